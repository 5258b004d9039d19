"""Helpers to write GV100AD records for tests (fixed width, 220 characters)."""


def record(
    record_type: str,
    territorial: str,
    key: str,
    *,
    association: str = "",
    name: str = "",
    seat: str = "",
    code: str = "",
    area_ha: int | None = None,
    population: int | None = None,
    postcode: str = "",
) -> str:
    """One GV100AD line: ``key`` fills positions 11–18, ``association`` positions 19–22."""
    line = [" "] * 220

    def put(start: int, text: str) -> None:  # 1-based start position, as in the layout
        for offset, char in enumerate(text):
            line[start - 1 + offset] = char

    put(1, record_type)
    put(3, territorial)
    put(11, key)
    put(19, association)
    put(23, name[:50])
    put(73, seat[:50])
    put(123, code)
    if area_ha is not None:
        put(129, f"{area_ha:011d}")
    if population is not None:
        put(140, f"{population:011d}")
        put(151, f"{population // 2:011d}")
    put(166, postcode)
    return "".join(line)


def replace_territorial(text: str, territorial: str) -> str:
    """Re-date every record of a file (positions 3–10)."""
    return "\n".join(
        line[:2] + territorial + line[10:] if line else line for line in text.split("\n")
    )
