"""Answers kept in this process under a key, the least recently used dropped beyond a bound
(``Kept``), and answers kept for one request (``per_request``).

For what never changes under its key: a build token of the stored figures, a set of
permissions and a language. The caller must not change an answer it is handed (shared)."""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar, cast

V = TypeVar("V")


class Kept(Generic[V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The answer kept under ``key``, else ``compute()``'s, kept from now on."""
        try:
            found = self._answers[key]
        except KeyError:
            found = self._answers[key] = compute()
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        else:
            self._answers.move_to_end(key)
        return found

    def clear(self) -> None:
        self._answers.clear()


def per_request(request: Any, name: str, compute: Callable[[], V]) -> V:
    """``compute()`` once per request, kept on the request under ``name`` (None included): for
    what several parts of one page read (the funding years, the current build)."""
    answers = request.__dict__.setdefault("_asskomm_per_request", {})
    if name not in answers:
        answers[name] = compute()
    return cast(V, answers[name])
