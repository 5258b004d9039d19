"""The coordinator's start page at the scale of Germany (issue #9): what it reads of the
agreements is found by index, not by joining every agreement of the country."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import CooperationAgreement

from ..factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_agreements_of_a_municipality_are_its_own_and_its_kreis_once_each(db: None) -> None:
    from agreements.portal import agreements_of_municipality

    town = MunicipalityFactory()
    neighbour = MunicipalityFactory(district=town.district)
    own = CooperationAgreement.objects.create(signing_place="Ort")
    own.municipalities.set([town, neighbour])
    of_kreis = CooperationAgreement.objects.create(signing_place="Ort", district=town.district)
    of_kreis.municipalities.set([town])  # both ways in: still listed once
    elsewhere = CooperationAgreement.objects.create(signing_place="Ort")
    elsewhere.municipalities.set([MunicipalityFactory()])

    with CaptureQueriesContext(connection) as captured:
        found = list(agreements_of_municipality(town).order_by("pk"))

    assert found == [own, of_kreis]
    assert len(captured) == 1
    assert "DISTINCT" not in captured[0]["sql"]
