"""History reasons fit django-simple-history's column, on every database."""

from asskomm.history import REASON_LENGTH, short_reason


def test_a_short_reason_stays_as_it_is() -> None:
    assert short_reason("Eingereicht") == "Eingereicht"


def test_a_long_reason_is_cut_at_a_word_with_an_ellipsis() -> None:
    reason = (
        "Außerhalb des Antragszeitraums angenommen: " + "Poststreik verzögerte den Eingang " * 5
    )
    short = short_reason(reason)
    assert len(short) <= REASON_LENGTH
    assert short.endswith("…")
    assert reason.startswith(short[:-1])
    assert not short[:-1].endswith(" ")
