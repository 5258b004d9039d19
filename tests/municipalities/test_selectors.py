"""Who sees which part of the register."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.roles import Role
from municipalities.models import PoliceDirectorate, PreventionCouncil
from municipalities.selectors import councils_visible_to, is_lpr_staff, municipalities_visible_to
from municipalities.services import coordinator_assign, directorate_member_assign

from ..factories import DistrictFactory, MunicipalityFactory, PreventionCouncilFactory

pytestmark = pytest.mark.django_db


def test_staff_see_every_municipality(officer, administrator) -> None:
    MunicipalityFactory.create_batch(3)

    assert municipalities_visible_to(officer).count() == 3
    assert municipalities_visible_to(administrator).count() == 3
    assert is_lpr_staff(officer)


def test_coordinator_sees_only_the_municipalities_they_coordinate(make_user) -> None:
    auerbach, lengenfeld, other = MunicipalityFactory.create_batch(3)
    coordinator = make_user()
    coordinator_assign(user=coordinator, municipality=auerbach)
    coordinator_assign(user=coordinator, municipality=lengenfeld)

    assert set(municipalities_visible_to(coordinator)) == {auerbach, lengenfeld}
    assert coordinator.groups.filter(name=Role.COORDINATOR).exists()
    assert not is_lpr_staff(coordinator)


def test_several_coordinators_share_a_municipality(make_user) -> None:
    municipality = MunicipalityFactory()
    first, second = make_user(), make_user()
    coordinator_assign(user=first, municipality=municipality)
    coordinator_assign(user=second, municipality=municipality)

    assert list(municipalities_visible_to(first)) == [municipality]
    assert list(municipalities_visible_to(second)) == [municipality]
    assert set(municipality.coordinators.all()) == {first, second}


def test_police_see_the_municipalities_of_their_directorate(make_user) -> None:
    dresden = PoliceDirectorate.objects.get(code="dresden")
    leipzig = PoliceDirectorate.objects.get(code="leipzig")
    ours = MunicipalityFactory(district=DistrictFactory(police_directorate=dresden))
    MunicipalityFactory(district=DistrictFactory(police_directorate=leipzig))
    police = make_user()
    directorate_member_assign(user=police, directorate=dresden)

    assert list(municipalities_visible_to(police)) == [ours]


def test_anonymous_and_roleless_users_see_nothing(make_user) -> None:
    MunicipalityFactory()

    assert municipalities_visible_to(AnonymousUser()).count() == 0
    assert municipalities_visible_to(make_user()).count() == 0


def test_a_deactivated_coordinator_sees_nothing(make_user) -> None:
    municipality = MunicipalityFactory()
    coordinator = make_user()
    coordinator_assign(user=coordinator, municipality=municipality)
    coordinator.is_active = False

    assert municipalities_visible_to(coordinator).count() == 0


def test_coordinator_sees_the_councils_of_their_municipality_and_its_landkreis(make_user) -> None:
    municipality = MunicipalityFactory()
    own = PreventionCouncilFactory(municipalities=[municipality])
    landkreis = PreventionCouncilFactory(
        level=PreventionCouncil.Level.DISTRICT, district=municipality.district
    )
    PreventionCouncilFactory(municipalities=[MunicipalityFactory()])
    coordinator = make_user()
    coordinator_assign(user=coordinator, municipality=municipality)

    assert set(councils_visible_to(coordinator)) == {own, landkreis}
