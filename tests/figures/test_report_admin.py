"""Starting a yearly report in the admin, following its progress and downloading its files."""

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from figures.models import YearlyReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user: Any) -> Any:
    """A staff member who may start and see reports (not change or delete them)."""
    user = make_user(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="figures",
            codename__in=("add_yearlyreport", "view_yearlyreport"),
        )
    )
    return user


def test_start_a_report_and_follow_it(
    staff: Any, client: Any, saxony: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(staff)
    changelist = client.get(reverse("admin:figures_yearlyreport_changelist"))
    start_url = reverse("admin:figures_yearlyreport_start")
    assert start_url in changelist.content.decode()

    page = client.get(start_url)
    assert page.status_code == 200
    assert f'<option value="{timezone.localdate().year}"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start_url, {"year": "2021"})
    report = YearlyReport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:figures_yearlyreport_change", args=[report.pk])
    assert (report.year, report.as_of, report.created_by, report.scheduled) == (
        2021,
        date(2021, 12, 31),
        staff,
        False,
    )
    report.refresh_from_db()
    assert report.status == YearlyReport.Status.DONE, report.error

    detail = client.get(response.url).content.decode()
    assert reverse("admin:figures_yearlyreport_progress", args=[report.pk]) in detail
    progress = client.get(reverse("admin:figures_yearlyreport_progress", args=[report.pk]))
    html = progress.content.decode()
    assert 'value="100"' in html
    assert "hx-trigger" not in html  # finished: no more polling
    for kind, start in (("pdf", b"%PDF-"), ("csv", "\ufeffStand".encode()), ("xlsx", b"PK")):
        url = reverse("admin:figures_yearlyreport_file", args=[report.pk, kind])
        assert url in html
        download = client.get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(start)
        assert "attachment" in download["Content-Disposition"]

    # Reports are kept as they are: no change or delete in the admin.
    change = client.post(response.url, {"year": "2020"})
    assert change.status_code in (302, 403)
    report.refresh_from_db()
    assert report.year == 2021
    delete = client.post(reverse("admin:figures_yearlyreport_delete", args=[report.pk]))
    assert delete.status_code in (302, 403)
    assert YearlyReport.objects.filter(pk=report.pk).exists()


def test_a_running_report_is_polled(staff: Any, client: Any) -> None:
    report = YearlyReport.objects.create(
        year=2022, as_of=date(2022, 12, 31), status=YearlyReport.Status.RUNNING, progress=40
    )
    client.force_login(staff)
    html = client.get(reverse("admin:figures_yearlyreport_progress", args=[report.pk])).content
    assert b'hx-trigger="every 2s"' in html
    assert b'value="40"' in html
    assert reverse("admin:figures_yearlyreport_file", args=[report.pk, "pdf"]).encode() not in html
    # No file before the report is done.
    url = reverse("admin:figures_yearlyreport_file", args=[report.pk, "pdf"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("year", ["2018", str(timezone.localdate().year + 1), "zwanzig", ""])
def test_a_year_out_of_range_is_refused(staff: Any, client: Any, year: str) -> None:
    client.force_login(staff)
    response = client.post(reverse("admin:figures_yearlyreport_start"), {"year": year})
    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    assert b"errornote" in response.content
    assert not YearlyReport.objects.exists()


def test_others_get_no_report(make_user: Any, client: Any) -> None:
    report = YearlyReport.objects.create(
        year=2022, as_of=date(2022, 12, 31), status=YearlyReport.Status.DONE
    )
    urls = [
        reverse("admin:figures_yearlyreport_start"),
        reverse("admin:figures_yearlyreport_progress", args=[report.pk]),
        reverse("admin:figures_yearlyreport_file", args=[report.pk, "pdf"]),
    ]
    # Not logged in, or not staff: to the login page.
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(make_user())
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response.url
    # Staff without the permissions: refused.
    client.force_login(make_user(is_staff=True))
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(urls[0], {"year": "2022"}).status_code == 403
    assert YearlyReport.objects.count() == 1
