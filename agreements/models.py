"""Cooperation agreements and coaching.

German terms:
``CooperationAgreement`` = Kooperationsvereinbarung (between one or more municipalities or a
Landkreis, the Polizeidirektion and the Landespräventionsrat) · ``Signatory`` = Unterzeichnende/r ·
``AgreedMeasure`` = vereinbarte Maßnahme · ``AgreementDocument`` = Dokument (the signature-ready
PDF or the uploaded signed copy, each fingerprinted) · ``CoachingProcess`` = ASSKomm-Coaching-
Prozess · ``CoachingSession`` = Coaching-Termin.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from asskomm.models import TimeStampedModel
from asskomm.records import ProtectedRecord, RecordQuerySet
from municipalities.models import Contact, District, Municipality, PoliceDirectorate

from . import texts

# The programme started on 6 February 2019; agreements are numbered over the whole programme.
NUMBER_PREFIX = "KV"


class CooperationAgreement(ProtectedRecord, TimeStampedModel):
    """A Kooperationsvereinbarung in one version. Its text is frozen once it goes to signature.

    From then on it is a legal record and is never deleted: it is terminated (and stays, marked
    ``TERMINATED``) or replaced by a new version whose ``predecessor`` it is.
    """

    class Status(models.TextChoices):
        DRAFT = "entwurf", _("Entwurf")
        FOR_SIGNATURE = "zur_unterzeichnung", _("Zur Unterzeichnung")
        SIGNED = "unterzeichnet", _("Unterzeichnet")
        TERMINATED = "beendet", _("Beendet")
        SUPERSEDED = "ersetzt", _("Durch neue Fassung ersetzt")

    FROZEN_STATUSES = (
        Status.FOR_SIGNATURE,
        Status.SIGNED,
        Status.TERMINATED,
        Status.SUPERSEDED,
    )

    number = models.PositiveIntegerField(
        _("running number"),
        null=True,
        blank=True,
        help_text=_("Assigned when the agreement goes to signature, over the whole programme."),
    )
    number_year = models.PositiveSmallIntegerField(_("year of the number"), null=True, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    predecessor = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        related_name="successor",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    municipalities = models.ManyToManyField(
        Municipality,
        related_name="cooperation_agreements",
        verbose_name=_("municipalities"),
        blank=True,
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="cooperation_agreements",
        verbose_name=_("Landkreis"),
        null=True,
        blank=True,
        help_text=_("Only for an agreement with a Landkreis."),
    )
    police_directorate = models.ForeignKey(
        PoliceDirectorate,
        on_delete=models.PROTECT,
        related_name="cooperation_agreements",
        verbose_name=_("police directorate"),
        null=True,
        blank=True,
        help_text=_("Taken from the Kreis when left empty."),
    )
    signing_place = models.CharField(_("place of signing"), max_length=120, blank=True)
    planned_on = models.DateField(_("planned date of signing"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    guests_of_honour = models.TextField(
        _("guests of honour"),
        blank=True,
        help_text=_("One per line, e.g. “Staatsminister Prof. Dr. Roland Wöller”."),
    )
    lpr_contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        related_name="agreements_as_lpr_contact",
        verbose_name=_("fixed contact person at the LPR"),
        null=True,
        blank=True,
    )
    preamble = models.TextField(_("preamble"), default=texts.default_preamble)
    goals = models.TextField(
        _("goals"), default=texts.default_goals, help_text=_("One goal per line.")
    )
    tasks_municipality = models.TextField(
        _("tasks of the municipality"),
        default=texts.default_tasks_municipality,
        help_text=_("One per line."),
    )
    tasks_police = models.TextField(
        _("tasks of the police directorate"),
        default=texts.default_tasks_police,
        help_text=_("One per line."),
    )
    tasks_lpr = models.TextField(
        _("tasks of the Landespräventionsrat"),
        default=texts.default_tasks_lpr,
        help_text=_("One per line."),
    )
    term_and_review = models.TextField(_("term and review"), default=texts.default_term_and_review)
    frozen_at = models.DateTimeField(_("text frozen at"), null=True, blank=True)
    frozen_content = models.JSONField(_("frozen text"), null=True, blank=True, editable=False)
    content_fingerprint = models.CharField(
        _("fingerprint of the text (SHA-256)"), max_length=64, blank=True, editable=False
    )
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    history = HistoricalRecords(m2m_fields=[municipalities])

    objects = RecordQuerySet.as_manager()
    deletion_refused = _(
        "An agreement that went to signature is a legal record and is never deleted; it is "
        "terminated or replaced by a new version."
    )

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ("-number", "-version", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["number", "version"], name="agreement_number_version_unique"
            ),
            models.UniqueConstraint(
                fields=["content_fingerprint"],
                condition=~Q(content_fingerprint=""),
                name="agreement_fingerprint_unique",
            ),
            models.CheckConstraint(
                condition=Q(status="entwurf") | Q(number__isnull=False, frozen_at__isnull=False),
                name="agreement_frozen_has_number",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["unterzeichnet", "beendet"]) | Q(signed_on__isnull=False),
                name="agreement_signed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="beendet") | Q(terminated_on__isnull=False),
                name="agreement_terminated_has_date",
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(terminated_on__gte=F("signed_on")),
                name="agreement_terminated_after_signed",
            ),
        ]

    def __str__(self) -> str:
        parties = self.frozen_content["title_parties"] if self.frozen_content else ""
        label = self.label or _("Draft")
        return f"{label} {parties}".strip()

    @property
    def label(self) -> str:
        """The printed number, e.g. "KV-2023-050", with the version from the second one on."""
        if self.number is None:
            return ""
        label = f"{NUMBER_PREFIX}-{self.number_year}-{self.number:03d}"
        return label if self.version == 1 else f"{label} ({_('version')} {self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.status in self.FROZEN_STATUSES

    @classmethod
    def protected_records(cls) -> Q:
        # Only a draft that never had a number (was never released) may be deleted.
        return ~Q(status=cls.Status.DRAFT) | Q(number__isnull=False)


class Signatory(models.Model):
    """A person signing for one of the parties, printed with their function."""

    class Party(models.TextChoices):
        MUNICIPALITY = "kommune", _("Kommune")
        POLICE = "polizeidirektion", _("Polizeidirektion")
        LPR = "lpr", _("Landespräventionsrat")

    agreement = models.ForeignKey(
        CooperationAgreement,
        on_delete=models.CASCADE,
        related_name="signatories",
        verbose_name=_("cooperation agreement"),
    )
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    person_name = models.CharField(_("name"), max_length=160)
    function = models.CharField(
        _("function"),
        max_length=200,
        help_text=_("As it must be printed, e.g. “Oberbürgermeisterin”."),
    )
    organisation = models.CharField(
        _("for"),
        max_length=200,
        blank=True,
        help_text=_("e.g. “Große Kreisstadt Dippoldiswalde”; empty: the party's name."),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        help_text=_("For a Verbund: the municipality this person signs for."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    PERSONAL_DATA_FIELDS = ("person_name",)

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ("agreement", "position", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=True) | Q(party="kommune"),
                name="signatory_municipality_only_for_municipal_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name}, {self.function}"


class AgreedMeasure(models.Model):
    """A measure the partners agree on, e.g. setting up a coordination office."""

    class Kind(models.TextChoices):
        COORDINATION_OFFICE = "koordinierungsstelle", _("Koordinierungsstelle")
        COUNCIL = "kpr", _("Aufbau des Kommunalen Präventionsrates")
        COACHING = "coaching", _("ASSKomm-Coaching")
        SECURITY_ANALYSIS = "sicherheitsanalyse", _("Sicherheitsanalyse")
        PROJECTS = "projekte", _("Projekte")
        OTHER = "sonstiges", _("Sonstiges")

    agreement = models.ForeignKey(
        CooperationAgreement,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("cooperation agreement"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    description = models.TextField(_("description"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreed measure")
        verbose_name_plural = _("agreed measures")
        ordering = ("agreement", "position", "pk")

    def __str__(self) -> str:
        return self.get_kind_display()


def document_path(document: "AgreementDocument", filename: str) -> str:
    return f"agreements/{document.agreement_id}/{filename}"


class AgreementDocument(models.Model):
    """A stored document of an agreement: never changed, never re-rendered, fingerprinted."""

    class Kind(models.TextChoices):
        SIGNATURE_READY = "zur_unterzeichnung", _("Signature-ready PDF")
        SIGNED_COPY = "unterzeichnet", _("Signed copy")

    agreement = models.ForeignKey(
        CooperationAgreement,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("cooperation agreement"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, unique=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        verbose_name=_("created by"),
        null=True,
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        ordering = ("agreement", "created_at")
        constraints = [
            # Rendering is idempotent: one signature-ready PDF per agreement version.
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(kind="zur_unterzeichnung"),
                name="one_signature_ready_pdf_per_agreement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.agreement.label}"


class CoachingProcess(TimeStampedModel):
    """An ASSKomm-Coaching process: a coach of Institut B3's pool accompanies a municipality."""

    class Status(models.TextChoices):
        REQUESTED = "angefragt", _("angefragt")
        RUNNING = "laufend", _("laufend")
        COMPLETED = "abgeschlossen", _("abgeschlossen")
        CANCELLED = "abgebrochen", _("abgebrochen")

    class Topic(models.TextChoices):
        COUNCIL = "kpr_aufbau", _("KPR-Aufbau")
        SECURITY_ANALYSIS = "sicherheitsanalyse", _("Sicherheitsanalyse")
        STRATEGY = "gesamtpraeventionsstrategie", _("Gesamtpräventionsstrategie")
        PROJECTS = "projektsuche", _("Projektsuche")
        OTHER = "sonstiges", _("Sonstiges")

    municipalities = models.ManyToManyField(
        Municipality, related_name="coaching_processes", verbose_name=_("municipalities")
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coaching_processes",
        verbose_name=_("coach"),
        limit_choices_to={"groups__name": "Coach"},
        null=True,
        blank=True,
    )
    requested_on = models.DateField(_("requested on"))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    goals = models.TextField(_("goals of the coaching"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords(m2m_fields=[municipalities])

    class Meta:
        verbose_name = _("coaching process")
        verbose_name_plural = _("coaching processes")
        ordering = ("-requested_on", "-pk")
        indexes = [models.Index(fields=["-requested_on", "-id"], name="coaching_requested_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(started_on__gte=F("requested_on")),
                name="coaching_started_after_requested",
                violation_error_message=_("A coaching cannot start before it was requested."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | (Q(started_on__isnull=False) & Q(ended_on__gte=F("started_on"))),
                name="coaching_ended_after_started",
                violation_error_message=_("A coaching ends after it started."),
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Coaching')} {self.requested_on:%d.%m.%Y}"

    def topic_labels(self) -> list[str]:
        labels = dict(self.Topic.choices)
        return [str(labels.get(topic, topic)) for topic in self.topics]


class CoachingSession(TimeStampedModel):
    """A meeting of a coaching process."""

    process = models.ForeignKey(
        CoachingProcess,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("coaching process"),
    )
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    participants = models.TextField(_("participants"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    PERSONAL_DATA_FIELDS = ("participants",)

    class Meta:
        verbose_name = _("coaching session")
        verbose_name_plural = _("coaching sessions")
        ordering = ("-date", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0) & Q(duration_minutes__lte=1440),
                name="coaching_session_duration_within_a_day",
                violation_error_message=_("A session lasts between 1 minute and 24 hours."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}"
