"""Figures, data, facts: boundaries for the map, training cohorts and the yearly reports.

``figures.selectors`` counts the figures from the dated records of the other apps for any cut-off
date; ``figures.summary`` stores them as steps over time (FigureStep) so that reading them does not
grow with the data. Besides, what is stored here is what those records do not hold.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from municipalities.models import Municipality

YEAR_VALIDATORS = [MinValueValidator(2019), MaxValueValidator(2100)]


class BoundaryImport(models.Model):
    """One import of municipality boundaries (e.g. BKG VG5000) with the attribution it requires."""

    source = models.CharField(_("source file"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    attribution = models.CharField(
        _("attribution"),
        max_length=300,
        help_text=_("Printed under every map drawn from these boundaries."),
    )
    features = models.PositiveIntegerField(_("features read"))
    matched = models.PositiveIntegerField(_("municipalities matched"))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("boundary import")
        verbose_name_plural = _("boundary imports")
        ordering = ("-imported_at", "-pk")

    def __str__(self) -> str:
        return f"{self.source} ({self.imported_at:%d.%m.%Y})"


class Boundary(models.Model):
    """The simplified outline of one municipality, as GeoJSON geometry in lon/lat (RFC 7946)."""

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        related_name="boundary",
        verbose_name=_("municipality"),
    )
    source = models.ForeignKey(
        BoundaryImport,
        on_delete=models.PROTECT,
        related_name="boundaries",
        verbose_name=_("import"),
    )
    geometry = models.JSONField(_("geometry (GeoJSON)"))
    centroid_lat = models.DecimalField(_("centroid latitude"), max_digits=8, decimal_places=5)
    centroid_lon = models.DecimalField(_("centroid longitude"), max_digits=8, decimal_places=5)

    class Meta:
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")
        ordering = ("municipality__ags",)

    def __str__(self) -> str:
        return str(self.municipality)


class TrainingCohort(models.Model):
    """A cohort of the Beccaria qualification or of the Präventionsmanagement degree."""

    class Programme(models.TextChoices):
        BECCARIA = "beccaria", _("Beccaria qualification “Fachkraft für Kriminalprävention”")
        BACHELOR = "ba", _("Präventionsmanagement B.A. (TU Chemnitz)")
        MASTER = "ma", _("Präventionsmanagement M.A. (TU Chemnitz)")

    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    name = models.CharField(_("cohort"), max_length=80, help_text=_("e.g. “Jahrgang 2020”"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(
        _("completed on"),
        null=True,
        blank=True,
        help_text=_("Date of the final certificates; empty while the cohort is running."),
    )
    participants = models.PositiveIntegerField(_("participants"))
    graduates = models.PositiveIntegerField(
        _("graduates"), null=True, blank=True, help_text=_("Entered when the cohort completes.")
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training cohort")
        verbose_name_plural = _("training cohorts")
        ordering = ("programme", "starts_on")
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="cohort_name_unique"),
            models.CheckConstraint(
                condition=Q(graduates__isnull=True) | Q(graduates__lte=F("participants")),
                name="cohort_graduates_at_most_participants",
                violation_error_message=_("There cannot be more graduates than participants."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="cohort_ends_after_start",
                violation_error_message=_("A cohort cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(graduates__isnull=True) | Q(ends_on__isnull=False),
                name="cohort_graduates_need_end",
                violation_error_message=_("Graduates are entered with the completion date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_programme_display()}: {self.name}"


def report_file_path(report: "YearlyReport", filename: str) -> str:
    return f"zahlen/{report.year}/{filename}"


class YearlyReport(models.Model):
    """The yearly statistics report of one year with its files; every rendering is kept."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    as_of = models.DateField(_("figures as of"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    figures = models.JSONField(_("figures"), null=True, blank=True, editable=False)
    figures_sha256 = models.CharField(
        _("fingerprint of the figures (SHA-256)"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("SHA-256 of the frozen figures in canonical JSON, printed on the report."),
    )
    pdf = models.FileField(
        _("report (PDF)"), upload_to=report_file_path, max_length=255, blank=True
    )
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    csv = models.FileField(
        _("figures (CSV)"), upload_to=report_file_path, max_length=255, blank=True
    )
    csv_sha256 = models.CharField(_("SHA-256 of the CSV"), max_length=64, blank=True)
    xlsx = models.FileField(
        _("figures (XLSX)"), upload_to=report_file_path, max_length=255, blank=True
    )
    xlsx_sha256 = models.CharField(_("SHA-256 of the XLSX"), max_length=64, blank=True)
    scheduled = models.BooleanField(
        _("started by the schedule"), default=False, help_text=_("Not started by a person.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("started by"),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Without the frozen figures: they are fixed once (their SHA-256 is), the history shows who
    # started the report and when each rendering finished.
    history = HistoricalRecords(excluded_fields=["figures", "progress"])

    class Meta:
        verbose_name = _("yearly report")
        verbose_name_plural = _("yearly reports")
        ordering = ("-year", "-created_at")

    def __str__(self) -> str:
        return f"Jahresbericht ASSKomm {self.year}"


# The stored figures (figures.summary): derived, rebuilt from the records, never edited ----------


class FigureStep(models.Model):
    """A figure's value in an area from ``day`` on, until the area's next step of that figure.

    Written only by ``figures.summary.rebuild``; the records stay the source of truth. ``area`` is
    "" for the whole Land, "d<id>" for a Kreis, "p<id>" for a Polizeidirektion.
    """

    area = models.CharField(max_length=12)
    figure = models.CharField(max_length=64)
    day = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "figure", "day"], name="figure_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.area or 'Land'} {self.figure} ab {self.day}: {self.value}"


class FiguresChange(models.Model):
    """A change to a table the figures are counted from, noted by a database trigger.

    While one exists that the last rebuild has not seen, the stored figures are out of date and
    the figures are counted from the records instead.
    """

    id = models.BigAutoField(primary_key=True)
    changed_at = models.DateTimeField(db_default=Now())

    def __str__(self) -> str:
        return f"Änderung {self.pk}"


class FiguresBuild(models.Model):
    """The last rebuild of the stored figures (one row)."""

    # New with every rebuild: what was read from one build may be kept under its token.
    token = models.UUIDField(default=uuid.uuid4)
    built_at = models.DateTimeField()
    seconds = models.FloatField()
    steps = models.PositiveIntegerField()
    changes_seen = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"Zahlen gespeichert am {self.built_at:%d.%m.%Y %H:%M}"
