"""``figures_mode``: a figures test run twice, counted from the records and from the stored ones."""

import pytest

from figures import summary


@pytest.fixture(params=["live", "stored"])
def figures_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """ "live": the stored figures never answer. "stored": before every read the stored figures
    are rebuilt (when something changed) and must then answer; the test's assertions hold for
    both."""
    is_current = summary.is_current
    if request.param == "live":
        monkeypatch.setattr(summary, "is_current", lambda: False)
    else:

        def rebuilt_and_current() -> bool:
            summary.rebuild()
            assert is_current(), "after a rebuild the stored figures answer"
            return True

        monkeypatch.setattr(summary, "is_current", rebuilt_and_current)
    return str(request.param)
