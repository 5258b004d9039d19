"""Every coordinator URL, with another municipality's key or object, answers 404.

The table below names, for each URL of the portal, how to fill its parameters for a place. A URL
added to the portal without an entry here fails ``test_every_portal_url_is_in_the_table``: nothing
can be added unchecked. What the other roles and anonymous users get on every URL of the site is
in the permission matrix, ``tests/security/test_permission_matrix.py``.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from .conftest import Place

pytestmark = pytest.mark.django_db

# URL name → (parameters for a place, the answer its own coordinator gets on GET)
PORTAL_URLS: dict[str, tuple[Callable[[Place], dict[str, Any]], int]] = {
    "portal:start": (lambda p: {"ags": p.municipality.ags}, 200),
    "portal:municipality_data": (lambda p: {"ags": p.municipality.ags}, 200),
    "portal:council": (lambda p: {"ags": p.municipality.ags}, 200),
    "portal:council_new": (lambda p: {"ags": p.municipality.ags}, 405),
    "portal:council_edit": (lambda p: {"ags": p.municipality.ags, "pk": p.council.pk}, 200),
    "portal:meeting_new": (lambda p: {"ags": p.municipality.ags, "pk": p.council.pk}, 200),
    "portal:meeting_edit": (lambda p: {"ags": p.municipality.ags, "pk": p.meeting.pk}, 200),
    "portal:meeting_minutes": (lambda p: {"ags": p.municipality.ags, "pk": p.meeting.pk}, 200),
    "portal:requests": (lambda p: {"ags": p.municipality.ags}, 200),
    "portal:request_new": (lambda p: {"ags": p.municipality.ags, "kind": "coaching"}, 200),
    "portal:documents": (lambda p: {"ags": p.municipality.ags}, 200),
    "agreements:coordinator_document": (
        lambda p: {"ags": p.municipality.ags, "pk": p.document.pk},
        200,
    ),
    "analyses:list": (lambda p: {"ags": p.municipality.ags}, 200),
    "analyses:analysis": (lambda p: {"ags": p.municipality.ags, "pk": p.analysis.pk}, 200),
    "analyses:tick": (
        lambda p: {"ags": p.municipality.ags, "pk": p.analysis.pk, "task": p.task.pk},
        405,
    ),
    "analyses:report": (lambda p: {"ags": p.municipality.ags, "pk": p.analysis.pk}, 200),
    "funding:applications": (lambda p: {"ags": p.municipality.ags}, 200),
    "funding:application": (lambda p: {"ags": p.municipality.ags, "pk": p.grant.pk}, 200),
    "funding:step": (
        lambda p: {"ags": p.municipality.ags, "pk": p.draft.pk, "step": "kosten"},
        200,
    ),
    "funding:plan_check": (lambda p: {"ags": p.municipality.ags, "pk": p.draft.pk}, 405),
    "funding:submit": (lambda p: {"ags": p.municipality.ags, "pk": p.draft.pk}, 405),
    "funding:withdraw": (lambda p: {"ags": p.municipality.ags, "pk": p.draft.pk}, 405),
    "funding:proof": (lambda p: {"ags": p.municipality.ags, "pk": p.grant.pk}, 200),
    "funding:attachment": (
        lambda p: {"ags": p.municipality.ags, "pk": p.draft.pk, "attachment": p.attachment.pk},
        200,
    ),
    "funding:letter": (lambda p: {"ags": p.municipality.ags, "pk": p.decision.pk}, 200),
}
# Portal URLs without a municipality in them.
UNSCOPED = {"portal:entry"}


def portal_url_names() -> set[str]:
    """Every named URL below /kommune/ (the portal), wherever it is defined."""
    names = set()
    for pattern, namespace in _walk(get_resolver().url_patterns, ""):
        if pattern.name and (namespace == "portal" or "kommune/" in str(pattern.pattern)):
            names.add(f"{namespace}:{pattern.name}")
    return names


def _walk(patterns: list[Any], namespace: str) -> Any:
    for entry in patterns:
        if isinstance(entry, URLPattern):
            yield entry, namespace
        else:
            yield from _walk(entry.url_patterns, entry.namespace or namespace)


def test_every_portal_url_is_in_the_table() -> None:
    assert portal_url_names() == set(PORTAL_URLS) | UNSCOPED


@pytest.mark.parametrize("name", sorted(PORTAL_URLS))
def test_own_objects_are_reachable(coordinator_client: Client, place_a: Place, name: str) -> None:
    kwargs, expected = PORTAL_URLS[name]

    assert coordinator_client.get(reverse(name, kwargs=kwargs(place_a))).status_code == expected


@pytest.mark.parametrize("name", sorted(PORTAL_URLS))
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_municipalitys_objects_answer_404(
    coordinator_client: Client, place_a: Place, place_b: Place, name: str, method: str
) -> None:
    kwargs, _expected = PORTAL_URLS[name]
    url = reverse(name, kwargs=kwargs(place_b))

    response = getattr(coordinator_client, method)(url, {"name": "X", "message": "X", "done": "1"})

    assert (
        response.status_code in (404, 405)
        if name == "portal:council_new"
        else response.status_code == 404
    )
    assert response.status_code == 404 or method == "get"


# The URLs that name an object besides the municipality.
OBJECT_URLS = [
    "agreements:coordinator_document",
    "analyses:analysis",
    "analyses:report",
    "analyses:tick",
    "funding:application",
    "funding:attachment",
    "funding:letter",
    "funding:plan_check",
    "funding:proof",
    "funding:step",
    "funding:submit",
    "funding:withdraw",
    "portal:council_edit",
    "portal:meeting_edit",
    "portal:meeting_minutes",
    "portal:meeting_new",
]


def test_every_url_naming_an_object_is_checked_with_foreign_objects(place_a: Place) -> None:
    with_ids = sorted(
        name for name, (kwargs, _answer) in PORTAL_URLS.items() if "pk" in kwargs(place_a)
    )

    assert with_ids == OBJECT_URLS


@pytest.mark.parametrize("name", OBJECT_URLS)
def test_objects_of_another_municipality_under_ones_own_key_answer_404(
    coordinator_client: Client, place_a: Place, place_b: Place, name: str
) -> None:
    """Own AGS in the URL, but the council, meeting or document of the other municipality."""
    foreign = PORTAL_URLS[name][0](place_b)
    url = reverse(name, kwargs={**foreign, "ags": place_a.municipality.ags})
    post_only = PORTAL_URLS[name][1] == 405

    assert coordinator_client.post(url, {"title": "X", "report": "X"}).status_code == 404
    assert coordinator_client.get(url).status_code == (405 if post_only else 404)


def test_a_coordinator_of_several_municipalities_reaches_each(
    client: Client, place_a: Place, place_b: Place
) -> None:
    from municipalities.services import coordinator_assign

    coordinator_assign(user=place_a.coordinator, municipality=place_b.municipality)
    client.force_login(place_a.coordinator)

    for place in (place_a, place_b):
        assert client.get(reverse("portal:start", args=[place.municipality.ags])).status_code == 200
    choice = client.get(reverse("portal:entry"))
    assert choice.status_code == 200
    assert "Annaberg" in choice.content.decode()
    assert "Borna" in choice.content.decode()
