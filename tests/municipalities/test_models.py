"""Invariants of the register that the database itself holds."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from municipalities.models import (
    CouncilMember,
    District,
    Municipality,
    PreventionCouncil,
    WorkingGroup,
)

from ..factories import (
    CouncilMemberFactory,
    DistrictFactory,
    MunicipalityFactory,
    PreventionCouncilFactory,
)

pytestmark = pytest.mark.django_db


def violates(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_keys_must_have_their_official_length() -> None:
    district = DistrictFactory()

    assert violates(
        lambda: Municipality.objects.create(
            ags="1451100", name="x", official_name="x", kind="stadt", district=district
        )
    )
    assert violates(
        lambda: Municipality.objects.create(
            ags="1451100A", name="x", official_name="x", kind="stadt", district=district
        )
    )
    assert violates(lambda: District.objects.create(key="145", name="x", kind="landkreis"))
    assert not violates(
        lambda: Municipality.objects.create(
            ags="99999001", name="x", official_name="x", kind="stadt", district=district
        )
    )


def test_ags_is_unique() -> None:
    municipality = MunicipalityFactory()

    assert violates(
        lambda: Municipality.objects.create(
            ags=municipality.ags,
            name="y",
            official_name="y",
            kind="stadt",
            district=municipality.district,
        )
    )


def test_a_successor_needs_a_dissolution_and_is_not_oneself() -> None:
    old, new = MunicipalityFactory(), MunicipalityFactory()

    old.successor = new
    assert violates(old.save)
    old.dissolved_on = date(2023, 1, 1)
    assert not violates(old.save)
    new.dissolved_on = date(2024, 1, 1)
    new.successor = new
    assert violates(new.save)


def test_a_district_level_council_names_its_district_and_only_it_does() -> None:
    district = DistrictFactory()

    assert violates(lambda: PreventionCouncil.objects.create(name="KPR", level="landkreis"))
    assert violates(
        lambda: PreventionCouncil.objects.create(name="KPR", level="gemeinde", district=district)
    )
    assert not violates(
        lambda: PreventionCouncil.objects.create(
            name="KPR LK", level="landkreis", district=district
        )
    )


def test_reactivation_lies_after_constitution() -> None:
    council = PreventionCouncilFactory(constituted_on=date(2015, 3, 1))

    council.reactivated_on = date(2014, 1, 1)
    assert violates(council.save)
    council.reactivated_on = date(2019, 10, 8)
    assert not violates(council.save)
    assert council.established_on == date(2019, 10, 8)


def test_only_a_dissolved_council_has_a_dissolution_date() -> None:
    council = PreventionCouncilFactory(status=PreventionCouncil.Status.ACTIVE)

    council.dissolved_on = date(2024, 6, 30)
    assert violates(council.save)
    council.status = PreventionCouncil.Status.DISSOLVED
    assert not violates(council.save)


def test_a_working_group_member_has_the_working_group_role() -> None:
    member = CouncilMemberFactory(role=CouncilMember.Role.MEMBER)
    group = WorkingGroup.objects.create(council=member.council, name="Sicherheitsabsprache")

    member.working_group = group
    assert violates(member.save)
    member.role = CouncilMember.Role.WORKING_GROUP
    assert not violates(member.save)


def test_display_name_shows_both_official_languages() -> None:
    assert (
        MunicipalityFactory(name="Bautzen", sorbian_name="Budyšin").display_name
        == "Bautzen / Budyšin"
    )
    assert MunicipalityFactory(name="Meißen").display_name == "Meißen"
