"""Funding under the RL Kommunale Prävention (RL KommPräv).

German terms:
``FundingYear`` = Förderjahr (budget, call window) · ``PayGroupCap`` = TV-L-Obergrenze je
Entgeltgruppe · ``FundingApplication`` = Förderantrag · ``CostLine`` = Position des Ausgaben- und
Finanzierungsplans · ``Attachment`` = Anlage · ``FundingDecision`` = Bescheid (Zuwendungs-,
Ablehnungs-, Änderungsbescheid) · ``Payment`` = Auszahlung · ``ProofOfUse`` = Verwendungsnachweis ·
``ProofCostLine`` = tatsächliche Ausgaben je Position.
"""

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from asskomm.models import TimeStampedModel
from asskomm.records import ProtectedRecord, RecordQuerySet
from municipalities.models import Consultation, District, Municipality

ZERO = Decimal("0.00")
# RL KommPräv: at most 90 % of the eligible expenditure, so at least 10 % own share.
MAX_FUNDING_RATE = Decimal("0.90")
MIN_OWN_SHARE_RATE = Decimal("0.10")
# Single projects below this approved amount are paid by reimbursement (VVK Nr. 7.4).
REIMBURSEMENT_THRESHOLD = Decimal("20000.00")


class FundingYear(TimeStampedModel):
    """A funding year with its budget and the call window of the preceding year."""

    class Status(models.TextChoices):
        PLANNED = "geplant", _("Planned (budget not yet released)")
        OPEN = "offen", _("Open (applications and decisions)")
        CLOSED = "abgeschlossen", _("Closed (no more decisions)")

    year = models.PositiveSmallIntegerField(_("funding year"), unique=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.OPEN,
        help_text=_(
            "Applications can be started while the year is planned or open; grants and "
            "amendments only while it is open."
        ),
    )
    budget = models.DecimalField(
        _("budget (EUR)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    call_opens = models.DateField(_("call opens"))
    call_closes = models.DateField(_("call closes"))
    # The sum of approvals, kept by the approval services under a lock on this row; the database
    # refuses any value above the budget as a second line of defence.
    committed = models.DecimalField(
        _("approved so far (EUR)"), max_digits=12, decimal_places=2, default=ZERO
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    # The fields __str__ reads: a list loads only these of a related row (asskomm.admin_lists).
    label_fields: ClassVar[tuple[str, ...]] = ("year",)

    class Meta:
        verbose_name = _("funding year")
        verbose_name_plural = _("funding years")
        ordering = ("-year",)
        constraints = [
            models.CheckConstraint(
                condition=Q(committed__gte=0) & Q(committed__lte=F("budget")),
                name="funding_year_committed_within_budget",
                violation_error_message=_("The approvals would exceed the budget of the year."),
            ),
            models.CheckConstraint(
                condition=Q(call_opens__lte=F("call_closes")),
                name="funding_year_call_window_in_order",
                violation_error_message=_("The call must open before it closes."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def free(self) -> Decimal:
        return self.budget - self.committed


class PayGroupCap(models.Model):
    """The monthly ceiling for personnel costs of a TV-L pay group (step 3) from a date on."""

    class PayGroup(models.TextChoices):
        EG7 = "eg7", _("EG 7 (vocational training)")
        EG11 = "eg11", _("EG 11 (university of applied sciences)")
        EG14 = "eg14", _("EG 14 (university)")
        EG15 = "eg15", _("EG 15 (university, leading position)")

    pay_group = models.CharField(_("pay group"), max_length=10, choices=PayGroup.choices)
    valid_from = models.DateField(_("valid from"))
    monthly_cap = models.DecimalField(
        _("monthly ceiling for a full-time post (EUR)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("personnel cost ceiling")
        verbose_name_plural = _("personnel cost ceilings")
        ordering = ("pay_group", "-valid_from")
        constraints = [
            models.UniqueConstraint(
                fields=["pay_group", "valid_from"], name="pay_group_cap_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_pay_group_display()} ab {self.valid_from:%d.%m.%Y}"


class FieldOfAction(models.TextChoices):
    GRAFFITI = "graffiti", _("Graffiti/Sachbeschädigung")
    LITTER = "vermuellung", _("Vermüllung")
    VIOLENCE = "gewalt", _("Gewalt")
    EXTREMISM = "extremismus", _("Extremismus")
    DRUGS = "drogen", _("Drogenmissbrauch")
    YOUTH = "jugend", _("Kinder und Jugend")
    SENIORS = "senioren", _("Senioren")
    TRAFFIC = "verkehr", _("Verkehr")
    STRUCTURES = "strukturaufbau", _("Strukturaufbau/Koordinierungsstelle")
    OTHER = "sonstiges", _("Sonstiges")


class FundingApplication(TimeStampedModel):
    """An application for a grant under the RL KommPräv, from draft to final account."""

    class Status(models.TextChoices):
        DRAFT = "entwurf", _("Entwurf")
        SUBMITTED = "eingereicht", _("Eingereicht")
        IN_REVIEW = "in_pruefung", _("In Prüfung")
        APPROVED = "bewilligt", _("Bewilligt")
        REJECTED = "abgelehnt", _("Abgelehnt")
        WITHDRAWN = "zurueckgezogen", _("Zurückgezogen")
        PAID = "ausgezahlt", _("Ausgezahlt")
        PROOF_SUBMITTED = "nachweis_eingereicht", _("Verwendungsnachweis eingereicht")
        CLOSED = "abgeschlossen", _("Geprüft und abgeschlossen")

    DECIDED = (Status.APPROVED, Status.REJECTED, Status.PAID, Status.PROOF_SUBMITTED, Status.CLOSED)

    funding_year = models.ForeignKey(
        FundingYear,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("funding year"),
    )
    file_number = models.CharField(_("file number"), max_length=20, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="funding_applications",
        verbose_name=_("applicant municipality"),
        null=True,
        blank=True,
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="funding_applications",
        verbose_name=_("applicant Landkreis"),
        null=True,
        blank=True,
    )
    recipient = models.CharField(
        _("funds passed on to"),
        max_length=200,
        blank=True,
        help_text=_("A third party the funds are passed on to (Weiterleitung), if any."),
    )
    title = models.CharField(_("project title"), max_length=200)
    field_of_action = models.CharField(
        _("field of action"), max_length=30, choices=FieldOfAction.choices, blank=True
    )
    starts_on = models.DateField(_("project starts on"), null=True, blank=True)
    ends_on = models.DateField(_("project ends on"), null=True, blank=True)
    # The project description after the Beccaria standard.
    problem = models.TextField(_("problem"), blank=True)
    causes = models.TextField(_("causes"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    implementation = models.TextField(_("implementation"), blank=True)
    evaluation = models.TextField(_("evaluation"), blank=True)
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.PROTECT,
        related_name="funding_applications",
        verbose_name=_("consultation by the LPR office"),
        null=True,
        blank=True,
    )
    own_funds = models.DecimalField(
        _("own share in cash (EUR)"),
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(0)],
    )
    own_contribution_in_kind = models.DecimalField(
        _("own share in kind (EUR)"),
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(0)],
        help_text=_("Work of municipal staff, rooms, material (Eigenleistung)."),
    )
    third_party_funds = models.DecimalField(
        _("third-party funds (EUR)"),
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=25, choices=Status.choices, default=Status.DRAFT
    )
    # Fixed at submission from the cost and financing plan; never typed.
    requested_amount = models.DecimalField(
        _("amount requested (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    eligible_costs = models.DecimalField(
        _("eligible costs at submission (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
    )
    late_acceptance_reason = models.TextField(_("reason for accepting it late"), blank=True)
    factual_check_at = models.DateTimeField(_("factual review done at"), null=True, blank=True)
    factual_check_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("factual review by"),
        null=True,
        blank=True,
    )
    arithmetic_check_at = models.DateTimeField(
        _("arithmetic review done at"), null=True, blank=True
    )
    arithmetic_check_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("arithmetic review by"),
        null=True,
        blank=True,
    )
    # The amount of the decision in force, kept by the decision services (for sums and lists).
    approved_amount = models.DecimalField(
        _("approved amount (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    proof_due_on = models.DateField(_("proof of use due on"), null=True, blank=True)
    reminder_sent_on = models.DateField(_("reminder sent on"), null=True, blank=True)
    history = HistoricalRecords()

    # The fields __str__ reads: a list loads only these of a related row (asskomm.admin_lists).
    label_fields: ClassVar[tuple[str, ...]] = ("file_number", "title")

    class Meta:
        verbose_name = _("funding application")
        verbose_name_plural = _("funding applications")
        ordering = ("-funding_year__year", "file_number", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=(Q(municipality__isnull=False) & Q(district__isnull=True))
                | (Q(municipality__isnull=True) & Q(district__isnull=False)),
                name="application_one_applicant",
                violation_error_message=_("The applicant is a municipality or a Landkreis."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="application_period_in_order",
                violation_error_message=_("The project cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True)
                | (Q(approved_amount__gte=0) & Q(approved_amount__lte=F("requested_amount"))),
                name="application_approved_within_requested",
                violation_error_message=_(
                    "The approved amount cannot exceed the amount requested."
                ),
            ),
            models.UniqueConstraint(
                fields=["file_number"],
                condition=~Q(file_number=""),
                name="application_file_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["funding_year", "status"], name="application_year_status"),
            # The order within a funding year: with the handful of years walked newest first, the
            # admin list sorts one year's rows from this index instead of joining and sorting all.
            models.Index(
                fields=["funding_year", "file_number", "-id"], name="application_year_number_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_number or _('Draft')}: {self.title}"

    @property
    def applicant_name(self) -> str:
        if self.municipality_id:
            return self.municipality.name  # type: ignore[union-attr]
        return self.district.name if self.district else ""

    @property
    def is_decided(self) -> bool:
        return self.status in self.DECIDED


class CostLine(models.Model):
    """A line of the cost plan (Ausgabenplan)."""

    class Kind(models.TextChoices):
        PERSONNEL = "personal", _("Personnel")
        MATERIAL = "sachkosten", _("Material")
        FEES = "honorare", _("Fees")
        OTHER = "sonstiges", _("Other")

    application = models.ForeignKey(
        FundingApplication,
        on_delete=models.CASCADE,
        related_name="cost_lines",
        verbose_name=_("funding application"),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind of cost"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(
        _("planned amount (EUR)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    is_capital_expenditure = models.BooleanField(
        _("capital expenditure"),
        default=False,
        help_text=_(
            "Investments (e.g. cameras, buildings) are not eligible under the RL KommPräv."
        ),
    )
    pay_group = models.CharField(
        _("TV-L pay group"), max_length=10, choices=PayGroupCap.PayGroup.choices, blank=True
    )
    fte = models.DecimalField(
        _("share of a full-time post"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("e.g. 0.30 for 30 %"),
    )
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        ordering = ("application", "position", "pk")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="personal")
                | (
                    ~Q(pay_group="")
                    & Q(fte__gt=0)
                    & Q(fte__lte=1)
                    & Q(months__gte=1)
                    & Q(months__lte=12)
                ),
                name="cost_line_personnel_has_pay_group",
                violation_error_message=_(
                    "Personnel costs name the TV-L pay group, the share of a full-time post "
                    "(above 0, at most 1) and the months (1 to 12)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.description


def attachment_path(attachment: "Attachment", filename: str) -> str:
    return f"funding/{attachment.application_id}/anlagen/{attachment.pk or 'neu'}.pdf"


class Attachment(models.Model):
    application = models.ForeignKey(
        FundingApplication,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("funding application"),
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file (PDF)"), upload_to=attachment_path, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("uploaded by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ("application", "uploaded_at")

    def __str__(self) -> str:
        return self.title


def letter_path(decision: "FundingDecision", filename: str) -> str:
    return f"funding/{decision.application_id}/bescheide/{filename}"


class FundingDecision(ProtectedRecord, models.Model):
    """A decision (Bescheid) on an application; never changed or deleted, a change is a new one.

    An amendment decision (Änderungsbescheid) points to the decision it amends (``amends``).
    """

    class Kind(models.TextChoices):
        GRANT = "zuwendung", _("Zuwendungsbescheid")
        REJECTION = "ablehnung", _("Ablehnungsbescheid")
        AMENDMENT = "aenderung", _("Änderungsbescheid")

    application = models.ForeignKey(
        FundingApplication,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("funding application"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number of the decision"), default=1)
    decided_on = models.DateField(_("decided on"))
    amount = models.DecimalField(
        _("amount (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    conditions = models.TextField(_("conditions (Nebenbestimmungen)"), blank=True)
    reason = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    frozen_content = models.JSONField(
        _("text of the letter"), null=True, blank=True, editable=False
    )
    content_fingerprint = models.CharField(
        _("fingerprint of the text"), max_length=64, blank=True, editable=False
    )
    letter = models.FileField(_("letter (PDF)"), upload_to=letter_path, max_length=255, blank=True)
    letter_sha256 = models.CharField(_("SHA-256 of the letter"), max_length=64, blank=True)
    letter_pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    letter_sent_at = models.DateTimeField(_("letter mailed at"), null=True, blank=True)
    amends = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        related_name="amended_by",
        verbose_name=_("amends decision"),
        null=True,
        blank=True,
        editable=False,
    )
    history = HistoricalRecords()

    objects = RecordQuerySet.as_manager()
    deletion_refused = _(
        "A decision is a legal record and is never deleted; it is changed by an amendment decision."
    )

    # The fields __str__ reads: a list loads only these of a related row (asskomm.admin_lists).
    label_fields: ClassVar[tuple[str, ...]] = ("kind", "application", "number")

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ("application", "number")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="decision_number_unique"
            ),
            models.UniqueConstraint(
                fields=["content_fingerprint"],
                condition=~Q(content_fingerprint=""),
                name="decision_fingerprint_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind="ablehnung") | Q(amount__gte=0),
                name="decision_grant_has_amount",
                violation_error_message=_("A grant or amendment states its amount."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.application.file_number}/{self.number}"


class Payment(ProtectedRecord, models.Model):
    """A payment of granted funds; never deleted or changed."""

    class Kind(models.TextChoices):
        INSTALMENT = "abschlag", _("Instalment")
        REIMBURSEMENT = "erstattung", _("Reimbursement of costs incurred")

    application = models.ForeignKey(
        FundingApplication,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("funding application"),
    )
    # The application's funding year, kept on the payment (set on save; a paid application no
    # longer changes): what was paid per year is then summed from payments alone, without joining
    # every application (at Germany scale 48,000 payments, 100,000 applications; bench/scale.py).
    funding_year = models.ForeignKey(
        FundingYear,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("funding year"),
        editable=False,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = RecordQuerySet.as_manager()
    deletion_refused = _("A payment is a record of the accounts and is never deleted.")

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ("application", "paid_on", "pk")
        indexes = [
            models.Index(fields=["application", "paid_on", "id"], name="payment_application_idx"),
            models.Index(fields=["funding_year"], include=["amount"], name="payment_year_amount"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_positive",
                violation_error_message=_("A payment is more than 0 EUR."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} EUR ({self.paid_on:%d.%m.%Y})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.funding_year_id is None and self.application_id is not None:
            self.funding_year_id = self.application.funding_year_id
        super().save(*args, **kwargs)


class ProofOfUse(TimeStampedModel):
    """The Verwendungsnachweis: narrative report and actual costs per planned line."""

    application = models.OneToOneField(
        FundingApplication,
        on_delete=models.PROTECT,
        related_name="proof",
        verbose_name=_("funding application"),
    )
    report = models.TextField(_("narrative report (Sachbericht)"))
    submitted_on = models.DateField(_("submitted on"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("submitted by"),
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("reviewed by"),
    )
    eligible_actual = models.DecimalField(
        _("eligible actual costs (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    funded_actual = models.DecimalField(
        _("grant earned (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    refund_amount = models.DecimalField(
        _("refund owed (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proof of use")
        verbose_name_plural = _("proofs of use")

    def __str__(self) -> str:
        return f"{_('Proof of use')} {self.application.file_number}"


class ProofCostLine(models.Model):
    proof = models.ForeignKey(
        ProofOfUse, on_delete=models.CASCADE, related_name="lines", verbose_name=_("proof of use")
    )
    cost_line = models.ForeignKey(
        CostLine, on_delete=models.PROTECT, related_name="actuals", verbose_name=_("cost line")
    )
    actual_amount = models.DecimalField(
        _("actual amount (EUR)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("actual cost")
        verbose_name_plural = _("actual costs")
        constraints = [
            models.UniqueConstraint(fields=["proof", "cost_line"], name="proof_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cost_line}: {self.actual_amount}"


class ApplicationTotal(models.Model):
    """Per funding year and status: how many applications, their requested and approved sums.

    Kept by database triggers on every write to the applications, raw SQL included (migration
    0007); read by the application list, whose sums over every application and COUNT of 100,000
    rows cost 35 ms at Germany scale (bench/scale.py). Never written from Python.
    """

    funding_year = models.ForeignKey(
        FundingYear, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    status = models.CharField(max_length=20)
    applications = models.BigIntegerField(default=0)
    requested = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    approved = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["funding_year", "status"], name="application_total_year_status"
            )
        ]

    def __str__(self) -> str:
        return f"{self.funding_year_id}/{self.status}: {self.applications}"


class PaymentTotal(models.Model):
    """Per funding year: the sum of its payments, kept by database triggers (migration 0007)."""

    funding_year = models.OneToOneField(
        FundingYear, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    payments = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)

    def __str__(self) -> str:
        return f"{self.funding_year_id}: {self.amount}"
