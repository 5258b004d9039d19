"""The coordinator's start page gathers what each app knows about one municipality.

Each app registers a provider in its ``AppConfig.ready``; the start page asks all of them, so that
the register does not need to import the apps built on it. A provider makes a fixed number of
queries, however much data there is, and reads only the municipality's records and the date:
what it gives is the same for each of the municipality's coordinators, so the start page keeps
it per build of the stored figures (``asskomm.stored``; the tables it reads have their changes
noted, ``tests/portal/test_pages.py`` checks that).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import pgettext_lazy

# The municipality's path through ASSKomm, in order. The German labels carry soft hyphens:
# they stand in narrow boxes.
STEPS = (
    ("beratung", pgettext_lazy("path step", "Consulted")),
    ("kooperationsvereinbarung", pgettext_lazy("path step", "Cooperation agreement")),
    ("praeventionsrat", pgettext_lazy("path step", "Prevention council")),
    ("coaching", pgettext_lazy("path step", "Coaching")),
    ("sicherheitsanalyse", pgettext_lazy("path step", "Security analysis")),
    ("projekte", pgettext_lazy("path step", "Funded projects")),
)


@dataclass
class Milestone:
    """Where a municipality stands on one step of the path."""

    step: str
    done: bool
    date: dt.date | None = None
    detail: str = ""


@dataclass
class PortalDocument:
    title: str
    date: dt.date | None
    url: str
    kind: str


@dataclass
class Todo:
    text: str
    due: dt.date | None = None
    url: str = ""


@dataclass
class Contribution:
    milestones: list[Milestone] = field(default_factory=list)
    documents: list[PortalDocument] = field(default_factory=list)
    todos: list[Todo] = field(default_factory=list)


Provider = Callable[[Any], Contribution]
_providers: list[Provider] = []


def register_provider(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def collect(municipality: Any) -> dict[str, Any]:
    """Path, documents and to-dos of a municipality from every registered app."""
    milestones: dict[str, Milestone] = {}
    documents: list[PortalDocument] = []
    todos: list[Todo] = []
    for provider in _providers:
        contribution = provider(municipality)
        for milestone in contribution.milestones:
            current = milestones.get(milestone.step)
            if current is None or (milestone.done and not current.done):
                milestones[milestone.step] = milestone
        documents.extend(contribution.documents)
        todos.extend(contribution.todos)
    path = [
        (key, label, milestones.get(key) or Milestone(step=key, done=False)) for key, label in STEPS
    ]
    documents.sort(key=lambda document: document.date or dt.date.min, reverse=True)
    todos.sort(key=lambda todo: todo.due or dt.date.max)
    return {"path": path, "documents": documents, "todos": todos}
