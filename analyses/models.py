"""Security analyses (Sicherheitsanalysen): area profile, citizen survey, Lagebericht.

German terms: ``SecurityAnalysis`` = Sicherheitsanalyse · ``ChecklistTask`` = Aufgabe der Kommune
(Melderegisterauszug, Anschreiben, Rücklauf, Statistikdaten) · ``SurveyResponse`` = ein
zurückgesandter Fragebogen der Bürgerbefragung (anonym) · ``CrimeFigure`` = Fallzahl der PKS je
Gebiet, Jahr und Straftatengruppe · ``AreaPopulation`` = Einwohnerzahl je Gebiet und Jahr ·
``Recommendation`` = Handlungsempfehlung · ``ReportDraft`` = Entwurf des Lageberichts (PDF).

Areas are named by their official key: an 8-digit AGS (municipality), a 5-digit Kreis key, or
"14" for Saxony, so that statistics of the municipality, its Kreis and the Land sit side by side.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from asskomm.models import TimeStampedModel
from funding.models import FieldOfAction, FundingApplication
from municipalities.models import Municipality, WorkingGroup

from .survey_items import ITEMS, OFFENCE_GROUPS

AREA_KEY_VALIDATOR = RegexValidator(
    r"^(14|14[0-9]{3}|14[0-9]{6})$",
    _("An area is Saxony (14), a Kreis (5 digits) or a municipality (8 digits)."),
)
SAXONY = "14"
YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


OFFENCE_CHOICES = [(slug, label) for slug, _key, label in OFFENCE_GROUPS]
ITEM_CHOICES = [(item.code, item.question) for item in ITEMS]


class AreaPopulation(models.Model):
    """The population of an area at the end of a year (31 December), for rates per 100,000."""

    area_key = models.CharField(_("area key"), max_length=8, validators=[AREA_KEY_VALIDATOR])
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    population = models.PositiveIntegerField(_("population"), validators=[MinValueValidator(1)])
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")
        ordering = ("area_key", "year")
        constraints = [
            models.UniqueConstraint(fields=["area_key", "year"], name="population_area_year"),
        ]

    def __str__(self) -> str:
        return f"{self.area_key} {self.year}: {self.population}"


class CrimeFigure(models.Model):
    """Cases recorded by the police (PKS, PMK) in an area, a year and an offence group."""

    area_key = models.CharField(_("area key"), max_length=8, validators=[AREA_KEY_VALIDATOR])
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    offence_group = models.CharField(_("offence group"), max_length=20, choices=OFFENCE_CHOICES)
    cases = models.PositiveIntegerField(_("cases"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("crime figure")
        verbose_name_plural = _("crime figures")
        ordering = ("area_key", "year", "offence_group")
        constraints = [
            models.UniqueConstraint(
                fields=["area_key", "year", "offence_group"], name="crime_area_year_group"
            ),
        ]
        indexes = [models.Index(fields=["offence_group", "year"], name="crime_group_year")]

    def __str__(self) -> str:
        return f"{self.area_key} {self.year} {self.get_offence_group_display()}: {self.cases}"


class DataImport(models.Model):
    """A record of an imported file: what, by whom, when, with what effect."""

    class Kind(models.TextChoices):
        CRIME = "pks", _("Crime statistics")
        POPULATION = "einwohner", _("Population")
        SURVEY = "befragung", _("Citizen survey")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    analysis = models.ForeignKey(
        "SecurityAnalysis",
        on_delete=models.PROTECT,
        related_name="imports",
        verbose_name=_("security analysis"),
        null=True,
        blank=True,
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
        null=True,
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")
        ordering = ("-imported_at",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"


def report_path(analysis: "SecurityAnalysis", filename: str) -> str:
    return f"analyses/{analysis.pk}/abschlussbericht-{filename}"


class SecurityAnalysis(TimeStampedModel):
    """A security analysis of one or more municipalities, from planning to implementation."""

    class Status(models.TextChoices):
        PLANNED = "geplant", _("Geplant")
        KICKOFF = "kickoff", _("Kick-off")
        SURVEY = "befragung", _("Befragung")
        EVALUATION = "auswertung", _("Auswertung")
        PRESENTED = "praesentiert", _("Abschlussbericht präsentiert")
        IMPLEMENTATION = "umsetzung", _("Umsetzung")

    # The order of the process, and the date field each stage is recorded in.
    MILESTONES = (
        (Status.PLANNED, "planned_on"),
        (Status.KICKOFF, "kickoff_on"),
        (Status.SURVEY, "survey_on"),
        (Status.EVALUATION, "evaluation_on"),
        (Status.PRESENTED, "presented_on"),
        (Status.IMPLEMENTATION, "implementation_on"),
    )

    title = models.CharField(_("title"), max_length=200)
    municipalities = models.ManyToManyField(
        Municipality, related_name="security_analyses", verbose_name=_("municipalities")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    contractor = models.CharField(
        _("contractor"),
        max_length=200,
        default="NKMG mbH",
        help_text=_("Who carries out the analysis on behalf of the LPR."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    planned_on = models.DateField(_("planned on"), null=True, blank=True)
    kickoff_on = models.DateField(_("kick-off on"), null=True, blank=True)
    survey_on = models.DateField(_("survey started on"), null=True, blank=True)
    evaluation_on = models.DateField(_("evaluation started on"), null=True, blank=True)
    presented_on = models.DateField(_("final report presented on"), null=True, blank=True)
    implementation_on = models.DateField(_("implementation started on"), null=True, blank=True)
    sample_size = models.PositiveIntegerField(
        _("questionnaires sent"),
        null=True,
        blank=True,
        help_text=_(
            "Size of the sample drawn from the population register (for the response rate)."
        ),
    )
    final_report = models.FileField(
        _("final report (PDF)"), upload_to=report_path, max_length=255, blank=True
    )
    final_report_sha256 = models.CharField(
        _("SHA-256 of the final report"), max_length=64, blank=True, editable=False
    )
    final_report_uploaded_at = models.DateTimeField(
        _("final report uploaded at"), null=True, blank=True, editable=False
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords(m2m_fields=[municipalities])

    class Meta:
        verbose_name = _("security analysis")
        verbose_name_plural = _("security analyses")
        ordering = ("-year", "title")
        # The admin list adds "-pk" to make the order total.
        indexes = [models.Index(fields=["-year", "title", "-id"], name="analysis_year_title_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(sample_size__isnull=True) | Q(sample_size__gt=0),
                name="analysis_sample_positive",
                violation_error_message=_("The sample has at least one questionnaire."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def milestones(self) -> list[tuple[str, str, object]]:
        """(status, label, date) of every stage, in order; the date is None where not reached."""
        return [
            (value, str(self.Status(value).label), getattr(self, field))
            for value, field in self.MILESTONES
        ]


class ChecklistTask(models.Model):
    """A task of the municipality in the analysis, ticked off by its coordinator or by staff."""

    class Task(models.TextChoices):
        REGISTER_SAMPLE = "melderegister", _("Population-register sample delivered")
        COVER_LETTER = "anschreiben", _("Cover letter agreed (with town crest)")
        RETURNS = "ruecklauf", _("Returned questionnaires received")
        STATISTICS = "statistik", _("Statistics for the area profile supplied")

    analysis = models.ForeignKey(
        SecurityAnalysis,
        on_delete=models.CASCADE,
        related_name="checklist",
        verbose_name=_("security analysis"),
    )
    task = models.CharField(_("task"), max_length=20, choices=Task.choices)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("done by"),
        null=True,
        blank=True,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task of the municipality")
        verbose_name_plural = _("tasks of the municipality")
        ordering = ("analysis", "pk")
        constraints = [
            models.UniqueConstraint(fields=["analysis", "task"], name="checklist_task_unique"),
        ]

    def __str__(self) -> str:
        return str(self.get_task_display())


class SurveyResponse(models.Model):
    """One returned questionnaire: anonymous (no name, no address), answers as codes."""

    analysis = models.ForeignKey(
        SecurityAnalysis,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("security analysis"),
    )
    questionnaire = models.CharField(_("questionnaire number"), max_length=20)
    age_group = models.CharField(_("age group"), max_length=10, blank=True)
    town_district = models.CharField(_("part of town"), max_length=80, blank=True)
    answers = models.JSONField(_("answers"), default=dict)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ("analysis", "questionnaire")
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "questionnaire"], name="response_questionnaire_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.questionnaire


class Recommendation(TimeStampedModel):
    """A recommendation (Handlungsempfehlung) of the analysis, and what took it up."""

    class Priority(models.TextChoices):
        HIGH = "hoch", _("high")
        MEDIUM = "mittel", _("medium")
        LOW = "niedrig", _("low")

    class Progress(models.TextChoices):
        OPEN = "offen", _("open")
        UNDER_WAY = "in_umsetzung", _("being implemented")
        DONE = "umgesetzt", _("implemented")

    analysis = models.ForeignKey(
        SecurityAnalysis,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("security analysis"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("recommendation"), max_length=200)
    text = models.TextField(_("explanation"), blank=True)
    field_of_action = models.CharField(
        _("field of action"), max_length=30, choices=FieldOfAction.choices, blank=True
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    progress = models.CharField(
        _("implementation"), max_length=20, choices=Progress.choices, default=Progress.OPEN
    )
    funding_applications = models.ManyToManyField(
        FundingApplication,
        related_name="recommendations",
        verbose_name=_("funding applications that take it up"),
        blank=True,
    )
    working_groups = models.ManyToManyField(
        WorkingGroup,
        related_name="recommendations",
        verbose_name=_("working groups of the council that take it up"),
        blank=True,
    )
    history = HistoricalRecords(m2m_fields=[funding_applications, working_groups])

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ("analysis", "number")
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "number"], name="recommendation_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class SurveyBenchmark(models.Model):
    """A reference value for a survey item (e.g. from a representative survey), kept by staff.

    The report compares the share of "negative" answers (e.g. feeling unsafe at night) with it;
    without one, with the mean of the other analyses in the portal.
    """

    item = models.CharField(_("question"), max_length=40, choices=ITEM_CHOICES)
    share = models.DecimalField(
        _("share of negative answers (%)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    year = models.PositiveSmallIntegerField(_("year of the survey"), validators=YEAR_VALIDATORS)
    source = models.CharField(_("source"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey benchmark")
        verbose_name_plural = _("survey benchmarks")
        ordering = ("item", "-year")

    def __str__(self) -> str:
        return f"{self.get_item_display()} {self.year}: {self.share} %"


def draft_path(draft: "ReportDraft", filename: str) -> str:
    return f"analyses/{draft.analysis_id}/entwuerfe/{filename}"


class ReportDraft(models.Model):
    """A rendered draft of the Lagebericht; every rendering is kept."""

    analysis = models.ForeignKey(
        SecurityAnalysis,
        on_delete=models.CASCADE,
        related_name="drafts",
        verbose_name=_("security analysis"),
    )
    file = models.FileField(_("file (PDF)"), upload_to=draft_path, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pages = models.PositiveSmallIntegerField(_("pages"))
    responses = models.PositiveIntegerField(_("responses included"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("draft report")
        verbose_name_plural = _("draft reports")
        ordering = ("analysis", "-created_at")

    def __str__(self) -> str:
        return f"{self.analysis} – {self.created_at:%d.%m.%Y %H:%M}"
