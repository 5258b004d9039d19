"""Public verification of the portal's documents, whichever app made them.

Apps register a lookup (in ``AppConfig.ready``) that recognises a fingerprint: the SHA-256 of a
frozen text printed on a document, or the SHA-256 of a stored file. The public page asks each in
turn and shows what the document is, for whom, and its current state, nothing personal.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class VerifiedDocument:
    kind: str
    label: str
    parties: list[str]
    status: str
    details: list[tuple[str, str]] = field(default_factory=list)
    warning: str = ""
    # Set when the fingerprint is the hash of a stored file: which file it is.
    matched_file: str = ""


Lookup = Callable[[str], VerifiedDocument | None]
_lookups: list[Lookup] = []


def register_lookup(lookup: Lookup) -> None:
    if lookup not in _lookups:
        _lookups.append(lookup)


def verify(fingerprint: str) -> VerifiedDocument | None:
    """The document a fingerprint belongs to (at least 16 hex digits), or None."""
    if len(fingerprint) < 16:
        return None
    for lookup in _lookups:
        found = lookup(fingerprint)
        if found is not None:
            return found
    return None
