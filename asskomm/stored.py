"""Page parts kept in the cache for exactly as long as the records they show are unchanged.

Triggers note every insert, update and delete on the tables the stored figures and the
coordinator's start page read (``figures.summary``, migrations figures 0005 and 0007). While no
change is noted that the last rebuild of the stored figures has not seen, that build's token names
the state of those tables: what is rendered from them can be kept under the token. Any change
means no token until the next rebuild (parts are rendered from the records each time) and a new
token after it, so a kept part is never older than the records.
"""

import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from figures import summary

logger = logging.getLogger(__name__)
T = TypeVar("T")

# How long a part rendered from one build is kept. A rebuild (a change) makes a new token and so
# new keys; with rebuilds every minute on a busy day the time bounds how many builds' parts the
# cache holds at once (ten), and rendering one anew costs a few milliseconds.
FRAGMENT_SECONDS = 600


def kept(key: str, seconds: int, compute: Callable[[], T]) -> T:
    """``compute()``, kept in the cache under ``key`` for ``seconds``. A cache that is down only
    costs the computation: the cache is an optimisation, never a failure."""
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001
        logger.warning("Cache unavailable: %s computed without it", key, exc_info=True)
        return compute()
    if found is not None:
        return cast(T, found)
    value = compute()
    try:
        cache.set(key, value, seconds)
    except Exception:  # noqa: BLE001
        logger.warning("Cache unavailable: %s not kept", key, exc_info=True)
    return value


def stored_fragments(
    name: str,
    parts: Sequence[str],
    templates: dict[str, str],
    build_context: Callable[[bool], dict[str, Any]],
    build: str | None = summary.ASK,
) -> dict[str, SafeString]:
    """Parts of a page drawn only from noted tables, rendered once per build of the stored figures.

    While the stored figures are current, the rendered parts are kept in the cache under the
    build's token, the language and ``parts`` (what else the parts depend on: date, area,
    municipality …), so they are exact. ``build_context`` runs only when the parts are rendered;
    it is told whether the stored figures are current (then it must not take values from
    elsewhere that may be older than the build). The templates are rendered without a request:
    nothing per user or per session (CSRF tokens, messages) belongs in them. ``build``: the
    current build's token if the caller has it (``summary.ASK``: look it up).
    """
    build = summary.build_of(build)

    def render() -> dict[str, str]:
        context = build_context(build is not None)
        return {part: render_to_string(template, context) for part, template in templates.items()}

    if build is None:
        rendered = render()
    else:
        key = ":".join(["stored", "fragments", name, build, get_language() or "", *parts])
        rendered = kept(key, FRAGMENT_SECONDS, render)
    return {part: mark_safe(html) for part, html in rendered.items()}  # noqa: S308 - rendered here
