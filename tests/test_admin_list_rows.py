"""The rows of the staff lists drawn by ``asskomm.admin_lists.list_rows`` (issue #9): the HTML
Django's ``items_for_result`` draws, cell for cell, on every list of a ``ListRowsMixin`` admin."""

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from agreements.models import CoachingProcess, CooperationAgreement
from analyses.models import SecurityAnalysis
from asskomm import admin_lists
from asskomm.admin_lists import ListRowsMixin, list_rows
from funding.models import FundingApplication, FundingYear, Payment
from municipalities.models import Consultation, Municipality, PoliceDirectorate, PreventionCouncil

from .factories import ContactFactory, MunicipalityFactory
from .test_admin_lists_at_scale import make_rows

pytestmark = pytest.mark.django_db

LISTS = sorted(
    (
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ListRowsMixin)
    ),
    key=lambda model: model._meta.label,
)


@pytest.fixture
def filled(db: None) -> None:
    """Rows in every list: empty values, a dissolved municipality, yes/no columns, money."""
    for model in (CoachingProcess, CooperationAgreement, SecurityAnalysis, PreventionCouncil):
        make_rows(model, 2)
    ContactFactory()
    old = MunicipalityFactory(name="Altgemeinde <b>", is_model_municipality=True)
    old.dissolved_on = date(2023, 1, 1)
    old.successor = MunicipalityFactory()
    old.save()
    year = FundingYear.objects.create(
        year=2026, budget=1_000_000, call_opens="2025-09-01", call_closes="2025-10-31"
    )
    for number, amount in (("001", Decimal("1200.50")), ("", None)):
        FundingApplication.objects.create(
            funding_year=year,
            municipality=old,
            title=f"Projekt & Co {number}",
            file_number=f"KP-2026-{number}" if number else "",
            requested_amount=amount,
        )
    application = FundingApplication.objects.exclude(file_number="").get()
    Payment.objects.create(
        application=application, kind=Payment.Kind.INSTALMENT, amount=1, paid_on=date(2026, 3, 1)
    )


@pytest.mark.parametrize("model", LISTS, ids=lambda model: model._meta.label_lower)
@pytest.mark.parametrize("params", [{}, {"o": "-2", "q": "a&b"}], ids=["plain", "sorted-searched"])
def test_each_row_is_the_html_django_draws(
    client: Client, administrator: Any, filled: None, model: Any, params: dict[str, str]
) -> None:
    client.force_login(administrator)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url, params)
    assert response.status_code == 200
    cl = response.context["cl"]
    with translation.override("de"):
        django_rows = [
            "".join(admin_list.items_for_result(cl, row, None)) for row in cl.result_list
        ]
        drawn = [str(row[0]) for row in list_rows(cl)["results"]]
    assert drawn == django_rows
    if params == {} and model in (Municipality, FundingApplication):
        assert drawn, "rows to compare"
        assert all(row in response.content.decode() for row in drawn)


def _collapsed(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


@pytest.mark.parametrize("model", LISTS, ids=lambda model: model._meta.label_lower)
def test_the_table_is_the_html_django_draws(
    client: Client, administrator: Any, filled: None, model: Any
) -> None:
    """``admin/change_list_rows.html`` with the body written by ``draw_rows``: the table of
    Django's ``admin/change_list_results.html`` (whitespace between tags aside)."""
    client.force_login(administrator)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url, {"o": "-2.1"})
    cl = response.context["cl"]
    with translation.override("de"):
        django_table = render_to_string(
            "admin/change_list_results.html", admin_list.result_list(cl)
        )
        drawn_table = render_to_string("admin/change_list_rows.html", list_rows(cl))
    assert ("<tbody>" in django_table) == bool(cl.result_list)
    assert _collapsed(drawn_table) == _collapsed(django_table)
    assert _collapsed(drawn_table) in _collapsed(response.content.decode())


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The model of each list whose rows ``_Rows`` draws, in order."""
    models: list[Any] = []
    original = admin_lists._Rows.__init__

    def counting(self: Any, cl: Any) -> None:
        models.append(cl.model)
        original(self, cl)

    monkeypatch.setattr(admin_lists._Rows, "__init__", counting)
    return models


def test_the_lists_draw_their_rows_through_list_rows(
    client: Client, administrator: Any, filled: None, drawn: list[Any]
) -> None:
    client.force_login(administrator)
    client.get(reverse("admin:municipalities_municipality_changelist"))
    assert drawn == [Municipality]

    # An admin without the mixin (here one with editable rows) is drawn by Django.
    client.get(reverse("admin:municipalities_topic_changelist"))
    assert drawn == [Municipality]


def test_the_view_draws_the_rows_before_the_template_renders(
    rf: Any, administrator: Any, filled: None, drawn: list[Any]
) -> None:
    """Drawn by the view, where the call stack is shallow, and not again by the template
    (``list_rows``: drawn five templates deep, each cell ran over the end of a block of
    CPython's frame memory on the applications list)."""
    request = rf.get(reverse("admin:funding_fundingapplication_changelist"))
    request.user = administrator
    response = admin.site._registry[FundingApplication].changelist_view(request)
    assert not response.is_rendered
    assert drawn == [FundingApplication]
    rows = response.context_data["cl"].drawn_rows["results"]
    assert len(rows) == FundingApplication.objects.count() == 2
    response.render()
    assert drawn == [FundingApplication]
    assert all(str(row[0]) in response.content.decode() for row in rows)


def test_the_filters_are_the_html_django_draws(client: Client, administrator: Any) -> None:
    """``templates/admin/filter.html`` writes a filter's items in Python: the same HTML as the
    template loop of Django's own ``admin/filter.html`` (whitespace aside)."""
    import re
    from pathlib import Path

    import django.contrib.admin
    from django.template import Context, Template
    from django.template.loader import get_template

    PoliceDirectorate.objects.create(code="muehle", name='PD <i> & "Mühle"', seat="Ort")
    client.force_login(administrator)
    response = client.get(reverse("admin:municipalities_municipality_changelist"), {"q": "ü"})
    assert response.status_code == 200
    cl = response.context["cl"]
    original = Template(
        (Path(django.contrib.admin.__file__).parent / "templates/admin/filter.html").read_text()
    )

    def same(html: str) -> str:
        return re.sub(r"\s+", " ", html).strip()

    specs = [spec for spec in cl.filter_specs if spec.template == "admin/filter.html"]
    assert len(specs) >= 3
    with translation.override("de"):
        for spec in specs:
            context = {"title": spec.title, "choices": list(spec.choices(cl)), "spec": spec}
            ours = get_template("admin/filter.html").render(context)
            assert same(ours) == same(original.render(Context(context))), spec.title
            assert same(ours) in same(response.content.decode())


@pytest.mark.parametrize("model", [Consultation, FundingApplication])
def test_the_action_bar_is_the_html_django_draws(
    client: Client, administrator: Any, filled: None, model: Any
) -> None:
    """``list_actions`` writes Django's ``admin/actions.html`` (whitespace aside): the first and
    a second bar of a page, with and without the selection counter, a list of one page and of
    several ("select all 1.234")."""
    import re

    from django.template.loader import get_template

    from asskomm.admin_lists import list_actions

    def same(html: str) -> str:
        return re.sub(r"\s+", " ", html).strip()

    client.force_login(administrator)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url)
    page = response.content.decode()
    cl = response.context["cl"]
    names = ("action_form", "actions_selection_counter", "cl", "selection_note", "module_name")
    base = {name: response.context[name] for name in names}
    base["selection_note_all"] = response.context["selection_note_all"]
    django_s = get_template("admin/actions.html")
    with translation.override("de"):
        first = list_actions(dict(base))
        assert same(first) == same(django_s.render({**base, "action_index": 0}))
        assert str(first) in page
        assert 'value="1"' in list_actions({**base, "action_index": 0})
        for counter in (True, False):
            for total in (cl.result_count, 1234):
                cl.result_count = total
                context = {
                    **base,
                    "actions_selection_counter": counter,
                    "selection_note_all": f"Alle {total} ausgewählt",
                }
                ours = list_actions({**context, "action_index": 0})
                assert same(ours) == same(django_s.render({**context, "action_index": 1}))
        assert "1.234" in ours or not counter


@pytest.mark.parametrize("model", LISTS, ids=lambda model: model._meta.label_lower)
def test_the_action_form_is_the_html_django_draws(rf: Any, administrator: Any, model: Any) -> None:
    """The action form of the lists (``admin_lists.ActionForm``) draws the select of the
    actions and the hidden "select across" as Django's templates draw them: empty, chosen,
    and with an action that does not exist (an error)."""
    from django.contrib.admin import helpers

    from asskomm.admin_lists import ActionForm

    model_admin = admin.site.get_model_admin(model)
    assert model_admin.action_form is ActionForm
    request = rf.get("/")
    request.user = administrator
    choices = [*model_admin.get_action_choices(request), ("x<&>", 'Mit "Zeichen" <b>')]
    with translation.override("de"):
        for data in (None, {"action": choices[-1][0], "select_across": "1"}, {"action": "?"}):
            forms = [
                form_class(data, auto_id=None) for form_class in (ActionForm, helpers.ActionForm)
            ]
            for form in forms:
                form.fields["action"].choices = choices
                form.is_valid()
            ours, django_s = ([str(field) for field in form] for form in forms)
            assert ours == django_s
            assert [field.label for field in forms[0]] == [field.label for field in forms[1]]
