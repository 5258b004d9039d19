"""``figures_mode``: a figures test run twice, counted from the records and from the stored ones."""

import pytest

from figures import summary


@pytest.fixture(params=["live", "stored"])
def figures_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """ "live": the stored figures never answer. "stored": before every read the stored figures
    are rebuilt (when something changed) and must then answer; the test's assertions hold for
    both."""
    current_build = summary.current_build
    if request.param == "live":
        monkeypatch.setattr(summary, "current_build", lambda: None)
    else:

        def rebuilt_and_current() -> str:
            summary.rebuild()
            build = current_build()
            assert build is not None, "after a rebuild the stored figures answer"
            return build

        monkeypatch.setattr(summary, "current_build", rebuilt_and_current)
    return str(request.param)
