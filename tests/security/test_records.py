"""Legal records are never deleted: signed agreements, decisions and payments.

Not in the admin (for any role, superusers included), not by ``Model.delete()`` or
``QuerySet.delete()``, not by a cascade from a parent, and on PostgreSQL not even by raw SQL. A
terminated agreement or an amended decision stays, linked to what follows it.
"""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from agreements.models import CooperationAgreement
from agreements.services import agreement_new_version, agreement_take_over, agreement_terminate
from asskomm.records import RecordDeletionRefused
from funding.models import FundingApplication, FundingDecision, FundingYear, Payment
from funding.services import application_amend, payment_record
from municipalities.models import Municipality

from ..factories import MunicipalityFactory, UserFactory


@pytest.fixture
def town(db: None) -> Municipality:
    return MunicipalityFactory(name="Großenhain")


def take_over(number: int, municipality: Municipality, user: Any) -> CooperationAgreement:
    return agreement_take_over(
        number=number,
        signed_on=date(2021, 11, 9),
        municipalities=[municipality],
        signatories=[("kommune", "Sven Mißbach", "Oberbürgermeister")],
        user=user,
    )


@pytest.fixture
def signed(town: Municipality, officer: Any) -> CooperationAgreement:
    return take_over(41, town, officer)


@pytest.fixture
def draft(town: Municipality) -> CooperationAgreement:
    agreement = CooperationAgreement.objects.create(signing_place="Großenhain")
    agreement.municipalities.add(town)
    return agreement


@pytest.fixture
def granted(town: Municipality, officer: Any) -> FundingApplication:
    """An application granted 30,000 EUR by decision no. 1 and paid 10,000 EUR."""
    year = FundingYear.objects.create(
        year=2026,
        budget=Decimal("500000.00"),
        committed=Decimal("30000.00"),
        call_opens=date(2025, 8, 31),
        call_closes=date(2025, 10, 15),
    )
    application = FundingApplication.objects.create(
        funding_year=year,
        municipality=town,
        title="Sicherheit am Bahnhof",
        file_number="2026-017",
        status=FundingApplication.Status.APPROVED,
        requested_amount=Decimal("36000.00"),
        eligible_costs=Decimal("40000.00"),
        approved_amount=Decimal("30000.00"),
    )
    FundingDecision.objects.create(
        application=application,
        kind=FundingDecision.Kind.GRANT,
        number=1,
        decided_on=date(2026, 1, 20),
        amount=Decimal("30000.00"),
        decided_by=officer,
    )
    payment_record(
        application=application,
        amount=Decimal("10000.00"),
        paid_on=date(2026, 3, 2),
        kind=Payment.Kind.INSTALMENT,
        user=officer,
    )
    application.refresh_from_db()
    return application


def records(signed: CooperationAgreement, granted: FundingApplication) -> list[Any]:
    return [signed, granted.decisions.get(), granted.payments.get()]


def still_there(objects: list[Any]) -> bool:
    return all(type(obj).objects.filter(pk=obj.pk).exists() for obj in objects)


# --- The admin


@pytest.mark.parametrize("who", ["superuser", Role.ADMINISTRATION])
def test_the_admin_offers_no_deletion_of_a_record(
    client: Client,
    make_user: Any,
    signed: CooperationAgreement,
    granted: FundingApplication,
    who: str,
) -> None:
    user = UserFactory(is_staff=True, is_superuser=True) if who == "superuser" else make_user(who)
    client.force_login(user)
    objects = records(signed, granted)
    for obj in objects:
        opts = obj._meta
        delete_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
        assert client.get(delete_url).status_code == 403, opts.label
        assert client.post(delete_url, {"post": "yes"}).status_code == 403, opts.label
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        page = client.get(changelist)
        assert page.status_code == 200
        assert b'value="delete_selected"' not in page.content, opts.label
        # The bulk action, posted anyway, deletes nothing.
        client.post(
            changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
        )
        change = client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )
        assert change.status_code == 200
        assert b"deletelink" not in change.content, opts.label
    assert still_there(objects)


def test_a_draft_agreement_can_still_be_deleted_in_the_admin(
    client: Client, administrator: Any, draft: CooperationAgreement
) -> None:
    client.force_login(administrator)
    url = reverse("admin:agreements_cooperationagreement_delete", args=[draft.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not CooperationAgreement.objects.filter(pk=draft.pk).exists()


# --- The models


def test_model_delete_refuses_every_record(
    signed: CooperationAgreement, granted: FundingApplication
) -> None:
    objects = records(signed, granted)
    for obj in objects:
        with pytest.raises(RecordDeletionRefused) as refused:
            obj.delete()
        assert "nie gelöscht" in str(refused.value.args[0])
    assert still_there(objects)


def test_queryset_delete_refuses_a_set_with_a_record(
    signed: CooperationAgreement, draft: CooperationAgreement, granted: FundingApplication
) -> None:
    with pytest.raises(RecordDeletionRefused):
        CooperationAgreement.objects.all().delete()
    with pytest.raises(RecordDeletionRefused):
        FundingDecision.objects.filter(application=granted).delete()
    with pytest.raises(RecordDeletionRefused):
        Payment.objects.all().delete()
    # All or nothing: the draft in the same set was not deleted either.
    assert still_there([signed, draft, *records(signed, granted)[1:]])
    # A set of drafts only may go.
    assert CooperationAgreement.objects.filter(pk=draft.pk).delete()[0] >= 1
    assert CooperationAgreement.objects.filter(pk=signed.pk).exists()


def test_no_cascade_from_a_parent_removes_a_record(
    signed: CooperationAgreement, granted: FundingApplication, town: Municipality, officer: Any
) -> None:
    objects = records(signed, granted)
    parents = [granted, granted.funding_year, town, town.district, officer]
    for parent in parents:
        with pytest.raises(ProtectedError), transaction.atomic():
            parent.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        FundingApplication.objects.filter(pk=granted.pk).delete()
    assert still_there(objects + parents)
    # Nor does a signed agreement lose its municipality, from either side.
    with pytest.raises(RecordDeletionRefused), transaction.atomic():
        signed.municipalities.remove(town)
    with pytest.raises(RecordDeletionRefused), transaction.atomic():
        signed.municipalities.set([])
    with pytest.raises(RecordDeletionRefused), transaction.atomic():
        town.cooperation_agreements.clear()
    assert list(signed.municipalities.all()) == [town]


def test_deleting_a_municipality_does_not_drop_it_from_a_signed_agreement(
    officer: Any,
) -> None:
    # Nothing but the link row points to this municipality: PROTECT alone would let it go.
    municipality = MunicipalityFactory()
    signed = take_over(42, municipality, officer)
    with pytest.raises(RecordDeletionRefused), transaction.atomic():
        municipality.delete()
    assert list(signed.municipalities.all()) == [municipality]


def test_links_of_a_draft_come_and_go(draft: CooperationAgreement) -> None:
    other = MunicipalityFactory()
    draft.municipalities.add(other)
    draft.municipalities.remove(other)
    draft.municipalities.add(other)
    other.delete()
    assert draft.municipalities.count() == 1


@pytest.mark.postgres
def test_postgres_refuses_deleting_records_with_raw_sql(
    signed: CooperationAgreement, draft: CooperationAgreement, granted: FundingApplication
) -> None:
    objects = records(signed, granted)
    for obj in objects:
        table = obj._meta.db_table
        with (
            pytest.raises(DatabaseError, match="never deleted"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [obj.pk])  # noqa: S608
    assert still_there(objects)
    # A draft is not a record: the trigger lets it go.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM agreements_cooperationagreement_municipalities "
            "WHERE cooperationagreement_id = %s",
            [draft.pk],
        )
        cursor.execute("DELETE FROM agreements_cooperationagreement WHERE id = %s", [draft.pk])
    assert not CooperationAgreement.objects.filter(pk=draft.pk).exists()


# --- What happens instead: the record stays, with its successor


def test_terminating_keeps_the_agreement_on_record(
    signed: CooperationAgreement, officer: Any
) -> None:
    agreement_terminate(
        agreement=signed, terminated_on=date(2025, 12, 31), reason="Auflösung", user=officer
    )
    agreement = CooperationAgreement.objects.get(pk=signed.pk)
    assert agreement.status == CooperationAgreement.Status.TERMINATED
    assert agreement.terminated_on == date(2025, 12, 31)
    assert agreement.content_fingerprint == signed.content_fingerprint
    statuses = list(agreement.history.order_by("history_date").values_list("status", flat=True))
    assert statuses[-2:] == ["unterzeichnet", "beendet"]
    with pytest.raises(RecordDeletionRefused):
        agreement.delete()


def test_a_new_version_is_a_new_row_linked_to_the_old(
    signed: CooperationAgreement, officer: Any
) -> None:
    successor = agreement_new_version(agreement=signed, user=officer)
    assert successor.pk != signed.pk
    assert successor.predecessor == signed
    assert (successor.number, successor.version) == (signed.number, 2)
    signed.refresh_from_db()
    assert signed.successor == successor
    assert signed.status == CooperationAgreement.Status.SIGNED
    # Its copied signatories and measures name who made the new version.
    copies = [*successor.signatories.all(), *successor.measures.all()]
    assert copies
    assert {row.history.get().history_user for row in copies} == {officer}
    # The new version carries the number, so it is kept as well (as the admin always did).
    with pytest.raises(RecordDeletionRefused):
        successor.delete()


def test_an_amendment_is_a_new_decision_linked_to_the_old(
    granted: FundingApplication, officer: Any
) -> None:
    first = granted.decisions.get()
    amendment = application_amend(
        application=granted,
        amount=Decimal("25000.00"),
        reason="Geringere Kosten für Material",
        decided_on=date(2026, 5, 4),
        user=officer,
    )
    assert amendment.pk != first.pk
    assert (amendment.kind, amendment.number, amendment.amends) == ("aenderung", 2, first)
    first.refresh_from_db()
    assert first.amended_by == amendment
    assert (first.amount, first.decided_on) == (Decimal("30000.00"), date(2026, 1, 20))
    assert amendment.history.latest().history_user == officer
    granted.refresh_from_db()
    assert granted.approved_amount == Decimal("25000.00")


def test_a_payment_names_who_recorded_it(granted: FundingApplication, officer: Any) -> None:
    assert granted.payments.get().history.get().history_user == officer
