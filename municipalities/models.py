"""The register: the ground floor every other app points to.

German terms:
``PoliceDirectorate`` = Polizeidirektion · ``District`` = Kreis (Landkreis / kreisfreie Stadt) ·
``AdministrativeAssociation`` = Verwaltungsgemeinschaft / Verwaltungsverband ·
``Municipality`` = Gemeinde / Kommune (keyed by the AGS) · ``RegisterImport`` = Import des
Gemeindeverzeichnisses · ``Contact`` = Ansprechperson · ``Topic`` = Thema / Handlungsfeld ·
``Consultation`` = Beratung · ``PreventionCouncil`` = Kommunaler Präventionsrat (KPR) ·
``CouncilMember`` = Mitglied des KPR · ``WorkingGroup`` = Arbeitsgruppe ·
``MunicipalCoordinator`` = Kommunale Koordination (a user coordinating a municipality) ·
``DirectorateMember`` = Polizei-Zugang (a user belonging to a Polizeidirektion).
"""

from typing import ClassVar

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from asskomm.models import TimeStampedModel

DISTRICT_KEY_VALIDATOR = RegexValidator(r"^[0-9]{5}$", _("A district key has exactly 5 digits."))
ASSOCIATION_KEY_VALIDATOR = RegexValidator(
    r"^[0-9]{9}$", _("An association key has exactly 9 digits.")
)
AGS_VALIDATOR = RegexValidator(
    r"^[0-9]{8}$", _("The official municipality key (AGS) has exactly 8 digits.")
)
ARS_VALIDATOR = RegexValidator(r"^[0-9]{12}$", _("The regional key (ARS) has exactly 12 digits."))


class PoliceDirectorate(TimeStampedModel):
    """One of Saxony's five Polizeidirektionen with its Dienstbezirk (§ 1 Abs. 2 SächsPolOrgVO)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    seat = models.CharField(_("seat"), max_length=80)
    district_keys = models.JSONField(
        _("district keys of its service area"),
        default=list,
        blank=True,
        help_text=_("Keys of the districts it serves (§ 1 Abs. 2 SächsPolOrgVO), e.g. 14625."),
    )
    members: models.ManyToManyField = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="DirectorateMember",
        related_name="police_directorates",
        verbose_name=_("police users"),
        blank=True,
    )
    history = HistoricalRecords()

    # The fields __str__ reads: a list loads only these of a related row (asskomm.admin_lists).
    label_fields: ClassVar[tuple[str, ...]] = ("name",)

    class Meta:
        verbose_name = _("police directorate")
        verbose_name_plural = _("police directorates")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class District(TimeStampedModel):
    """A Kreis: Landkreis or kreisfreie Stadt, keyed by its 5-digit key."""

    class Kind(models.TextChoices):
        RURAL_DISTRICT = "landkreis", _("Landkreis")
        DISTRICT_FREE_CITY = "kreisfreie_stadt", _("kreisfreie Stadt")

    key = models.CharField(
        _("district key"), max_length=5, unique=True, validators=[DISTRICT_KEY_VALIDATOR]
    )
    name = models.CharField(_("name"), max_length=120)
    official_name = models.CharField(_("official name (Destatis)"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    seat = models.CharField(_("seat of administration"), max_length=80, blank=True)
    police_directorate = models.ForeignKey(
        PoliceDirectorate,
        on_delete=models.PROTECT,
        related_name="districts",
        verbose_name=_("police directorate"),
        null=True,
        blank=True,
    )
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    history = HistoricalRecords()

    # The fields __str__ reads: a list loads only these of a related row (asskomm.admin_lists).
    label_fields: ClassVar[tuple[str, ...]] = ("name",)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ("key",)
        constraints = [
            models.CheckConstraint(
                condition=Q(key__regex=r"^[0-9]{5}$"), name="district_key_five_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AdministrativeAssociation(TimeStampedModel):
    """A Verwaltungsgemeinschaft or Verwaltungsverband (joint administration of municipalities)."""

    class Kind(models.TextChoices):
        ADMINISTRATIVE_COMMUNITY = "verwaltungsgemeinschaft", _("Verwaltungsgemeinschaft")
        ADMINISTRATIVE_UNION = "verwaltungsverband", _("Verwaltungsverband")

    key = models.CharField(
        _("association key"), max_length=9, unique=True, validators=[ASSOCIATION_KEY_VALIDATOR]
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    seat = models.CharField(_("seat of administration"), max_length=80, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="associations",
        verbose_name=_("district"),
    )
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    history = HistoricalRecords()

    # The fields __str__ reads: a list loads only these of a related row (asskomm.admin_lists).
    label_fields: ClassVar[tuple[str, ...]] = ("kind", "name")

    class Meta:
        verbose_name = _("administrative association")
        verbose_name_plural = _("administrative associations")
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=Q(key__regex=r"^[0-9]{9}$"), name="association_key_nine_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class Municipality(TimeStampedModel):
    """A Gemeinde of the official register, keyed by its AGS; never deleted, only dissolved."""

    class Kind(models.TextChoices):
        TOWN = "stadt", _("Stadt")
        MAJOR_DISTRICT_TOWN = "grosse_kreisstadt", _("Große Kreisstadt")
        MUNICIPALITY = "gemeinde", _("Gemeinde")
        DISTRICT_FREE_CITY = "kreisfreie_stadt", _("kreisfreie Stadt")
        MARKET_TOWN = "markt", _("Markt")

    ags = models.CharField(
        _("AGS"),
        max_length=8,
        unique=True,
        validators=[AGS_VALIDATOR],
        help_text=_("Official municipality key (Amtlicher Gemeindeschlüssel), 8 digits."),
    )
    ars = models.CharField(
        _("ARS"),
        max_length=12,
        blank=True,
        validators=[ARS_VALIDATOR],
        help_text=_("Official regional key (Amtlicher Regionalschlüssel), 12 digits."),
    )
    name = models.CharField(_("name"), max_length=120)
    official_name = models.CharField(_("official name"), max_length=200)
    sorbian_name = models.CharField(_("Sorbian name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("district"),
    )
    association = models.ForeignKey(
        AdministrativeAssociation,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("administrative association"),
        null=True,
        blank=True,
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_date = models.DateField(_("population as of"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    has_several_postcodes = models.BooleanField(_("has several postcodes"), default=False)
    is_model_municipality = models.BooleanField(
        _("model municipality"),
        default=False,
        help_text=_("One of the eight Modellkommunen that launched ASSKomm on 6 February 2019."),
    )
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="predecessors",
        verbose_name=_("successor"),
        null=True,
        blank=True,
    )
    coordinators: models.ManyToManyField = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="MunicipalCoordinator",
        related_name="coordinated_municipalities",
        verbose_name=_("coordinators"),
        blank=True,
    )
    history = HistoricalRecords()

    # The fields __str__ reads: a list loads only these of a related row (asskomm.admin_lists).
    label_fields: ClassVar[tuple[str, ...]] = ("name",)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ("name", "ags")
        # The admin list's order, read from the index instead of sorting every municipality.
        indexes = [models.Index(fields=["name", "ags"], name="municipality_name_ags_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ags__regex=r"^[0-9]{8}$"), name="municipality_ags_eight_digits"
            ),
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | Q(dissolved_on__isnull=False),
                name="municipality_successor_only_when_dissolved",
                violation_error_message=_("Only a dissolved municipality has a successor."),
            ),
            models.CheckConstraint(
                condition=~Q(successor=F("pk")),
                name="municipality_not_own_successor",
                violation_error_message=_("A municipality cannot be its own successor."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The German name with the Sorbian one beside it, as both are official."""
        return f"{self.name} / {self.sorbian_name}" if self.sorbian_name else self.name


class RegisterImport(models.Model):
    """One import of an edition of the official municipality register (provenance of the data)."""

    class Format(models.TextChoices):
        GV100AD = "gv100ad", _("Destatis GV100AD (fixed width)")
        CSV = "csv", _("CSV (flattened GV100AD)")
        BUILTIN = "builtin", _("built-in demo set")

    territorial_date = models.DateField(_("territorial status (Gebietsstand)"))
    population_date = models.DateField(_("population as of"), null=True, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
    )
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    dissolved = models.PositiveIntegerField(_("dissolved"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ("-imported_at",)
        get_latest_by = "territorial_date"

    def __str__(self) -> str:
        return f"{self.get_format_display()} · {self.territorial_date:%d.%m.%Y}"


class Contact(TimeStampedModel):
    """A person the LPR deals with, e.g. a mayor, a police director or a coordinator."""

    class Role(models.TextChoices):
        MAYOR = "verwaltungsspitze", _("Head of the administration (mayor)")
        COORDINATION_OFFICE = "koordinierungsstelle", _("Coordination office")
        OTHER = "sonstige", _("Other")

    role = models.CharField(
        _("role"), max_length=30, choices=Role.choices, default=Role.OTHER, db_index=True
    )
    title = models.CharField(_("academic title"), max_length=40, blank=True)
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80)
    function = models.CharField(
        _("function"),
        max_length=160,
        blank=True,
        help_text=_("As it must be printed, e.g. “Oberbürgermeisterin”."),
    )
    organisation = models.CharField(_("organisation"), max_length=160, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("district"),
        null=True,
        blank=True,
    )
    police_directorate = models.ForeignKey(
        PoliceDirectorate,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("police directorate"),
        null=True,
        blank=True,
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    PERSONAL_DATA_FIELDS = ("title", "first_name", "last_name", "email", "phone", "notes")

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ("last_name", "first_name")
        # The admin list adds "-pk" to make the order total: the index has it in that direction.
        indexes = [
            models.Index(fields=["last_name", "first_name", "-id"], name="contact_name_idx"),
        ]

    def __str__(self) -> str:
        name = " ".join(part for part in (self.title, self.first_name, self.last_name) if part)
        return f"{name} ({self.function})" if self.function else name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.title, self.first_name, self.last_name) if part)


class Topic(models.Model):
    """A topic of consultations and councils: an ASSKomm module or a field of action."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    # The fields __str__ reads: a list loads only these of a related row (asskomm.admin_lists).
    label_fields: ClassVar[tuple[str, ...]] = ("name",)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name


class Consultation(TimeStampedModel):
    """A consultation (Beratung) of a municipality by the LPR office.

    The funding guideline requires one before an application; the published figure "Kommunen
    beraten" counts municipalities with at least one consultation up to a date.
    """

    class Kind(models.TextChoices):
        FIRST_CONTACT = "erstkontakt", _("Erstkontakt")
        CONSULTATION = "beratung", _("Beratung")
        PROJECT_CONSULTATION = "projektberatung", _("Projektberatung")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("municipality"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        limit_choices_to={"is_staff": True},
        related_name="consultations_given",
        verbose_name=_("LPR staff member"),
        null=True,
        blank=True,
    )
    topics = models.ManyToManyField(
        Topic, related_name="consultations", verbose_name=_("topics"), blank=True
    )
    participants = models.ManyToManyField(
        Contact, related_name="consultations", verbose_name=_("participants"), blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords(m2m_fields=[topics])

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ("-date", "-pk")
        indexes = [
            models.Index(fields=["municipality", "date"], name="consultation_muni_date_idx"),
            # The admin list's order (and its date hierarchy), without sorting every consultation.
            models.Index(fields=["-date", "-id"], name="consultation_date_idx"),
        ]

    def __str__(self) -> str:
        # get_kind_display()'s label: it builds a dict of every label, each translated to be
        # hashed, on every call (every row checkbox of the list names its consultation).
        kind = KIND_LABELS.get(self.kind, self.kind)
        return f"{kind} {self.municipality} ({self.date:%d.%m.%Y})"


KIND_LABELS = dict(Consultation.Kind.choices)


class PreventionCouncil(TimeStampedModel):
    """A Kommunaler Präventionsrat of one municipality, a Verbund of several, or a Landkreis.

    The published figure counts councils "konstituiert oder reaktiviert" by a date.
    """

    class Level(models.TextChoices):
        MUNICIPALITY = "gemeinde", _("Gemeinde")
        NETWORK = "verbund", _("Verbund mehrerer Gemeinden")
        DISTRICT = "landkreis", _("Landkreis")

    class Status(models.TextChoices):
        IN_PREPARATION = "in_gruendung", _("in Gründung")
        ACTIVE = "aktiv", _("aktiv")
        DORMANT = "ruhend", _("ruhend")
        DISSOLVED = "aufgeloest", _("aufgelöst")

    name = models.CharField(
        _("name"),
        max_length=160,
        help_text=_("As the council calls itself, e.g. “Sicherheitskreis Dippoldiswalde”."),
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    municipalities = models.ManyToManyField(
        Municipality,
        related_name="prevention_councils",
        verbose_name=_("municipalities"),
        blank=True,
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="prevention_councils",
        verbose_name=_("district"),
        null=True,
        blank=True,
        help_text=_("Only for a council at Landkreis level."),
    )
    constituted_on = models.DateField(_("constituted on"), null=True, blank=True)
    reactivated_on = models.DateField(_("reactivated on"), null=True, blank=True)
    resolution_on = models.DateField(_("date of the council resolution"), null=True, blank=True)
    resolution_reference = models.CharField(
        _("resolution reference"), max_length=80, blank=True, help_text=_("e.g. “172/2020”")
    )
    chair = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        related_name="chaired_councils",
        verbose_name=_("chair"),
        null=True,
        blank=True,
    )
    coordination_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        related_name="coordinated_councils",
        verbose_name=_("coordination office contact"),
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_PREPARATION
    )
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords(m2m_fields=[municipalities])

    class Meta:
        verbose_name = _("prevention council")
        verbose_name_plural = _("prevention councils")
        ordering = ("name",)
        indexes = [models.Index(fields=["name", "-id"], name="council_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="landkreis") & Q(district__isnull=False))
                | (~Q(level="landkreis") & Q(district__isnull=True)),
                name="council_district_only_at_district_level",
                violation_error_message=_(
                    "A council at Landkreis level names its Landkreis; other councils do not."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reactivated_on__isnull=True)
                | Q(constituted_on__isnull=True)
                | Q(reactivated_on__gt=F("constituted_on")),
                name="council_reactivated_after_constituted",
                violation_error_message=_("The reactivation must lie after the constitution."),
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(status="aufgeloest"),
                name="council_dissolved_on_only_when_dissolved",
                violation_error_message=_("A date of dissolution needs the status “aufgelöst”."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def established_on(self):  # noqa: ANN201 - date | None
        """The date that makes it count: reactivation if any, else constitution."""
        return self.reactivated_on or self.constituted_on


class WorkingGroup(TimeStampedModel):
    """An Arbeitsgruppe of a council, standing or time-limited."""

    council = models.ForeignKey(
        PreventionCouncil,
        on_delete=models.CASCADE,
        related_name="working_groups",
        verbose_name=_("prevention council"),
    )
    name = models.CharField(_("name"), max_length=160)
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, verbose_name=_("topic"), null=True, blank=True
    )
    is_standing = models.BooleanField(_("standing working group"), default=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ("council", "name")
        constraints = [
            models.UniqueConstraint(fields=["council", "name"], name="working_group_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class CouncilMember(TimeStampedModel):
    """A member of a council: an organisation and the person who represents it."""

    class Role(models.TextChoices):
        CHAIR = "vorsitz", _("Vorsitz")
        STEERING_GROUP = "lenkungsgruppe", _("Lenkungsgruppe")
        WORKING_GROUP = "arbeitsgruppe", _("Arbeitsgruppe")
        MEMBER = "mitglied", _("Mitglied")

    council = models.ForeignKey(
        PreventionCouncil,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("prevention council"),
    )
    organisation = models.CharField(_("organisation"), max_length=160)
    person_name = models.CharField(_("person"), max_length=160, blank=True)
    function = models.CharField(_("function"), max_length=160, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    working_group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("working group"),
        null=True,
        blank=True,
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    history = HistoricalRecords()

    PERSONAL_DATA_FIELDS = ("person_name",)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ("council", "role", "organisation")
        constraints = [
            models.CheckConstraint(
                condition=Q(working_group__isnull=True) | Q(role="arbeitsgruppe"),
                name="council_member_working_group_needs_role",
                violation_error_message=_(
                    "A member of a working group has the role “Arbeitsgruppe”."
                ),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="council_member_left_after_joined",
                violation_error_message=_("A member cannot leave before joining."),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.person_name} ({self.organisation})" if self.person_name else self.organisation
        )


def minutes_path(meeting: "CouncilMeeting", filename: str) -> str:
    return f"councils/{meeting.council_id}/minutes/{meeting.date}-{meeting.pk or 'new'}.pdf"


class CouncilMeeting(TimeStampedModel):
    """A meeting of a council, its steering group or a working group, with its minutes."""

    class Body(models.TextChoices):
        PLENARY = "plenum", _("Plenary session")
        STEERING_GROUP = "lenkungsgruppe", _("Steering group")
        WORKING_GROUP = "arbeitsgruppe", _("Working group")

    council = models.ForeignKey(
        PreventionCouncil,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("prevention council"),
    )
    date = models.DateField(_("date"))
    body = models.CharField(_("body"), max_length=20, choices=Body.choices, default=Body.PLENARY)
    working_group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.SET_NULL,
        related_name="meetings",
        verbose_name=_("working group"),
        null=True,
        blank=True,
    )
    topic = models.CharField(_("topics"), max_length=200, blank=True)
    minutes = models.FileField(
        _("minutes (PDF)"), upload_to=minutes_path, max_length=255, blank=True
    )
    minutes_sha256 = models.CharField(_("SHA-256 of the minutes"), max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        ordering = ("-date", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(working_group__isnull=True) | Q(body="arbeitsgruppe"),
                name="council_meeting_working_group_needs_body",
                violation_error_message=_(
                    "A meeting of a working group has the body “Arbeitsgruppe”."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_body_display()} {self.date:%d.%m.%Y}"


class ServiceRequest(TimeStampedModel):
    """A municipality asks the LPR office for coaching, a security analysis or a consultation."""

    class Kind(models.TextChoices):
        COACHING = "coaching", _("ASSKomm coaching")
        SECURITY_ANALYSIS = "sicherheitsanalyse", _("Security analysis")
        CONSULTATION = "beratung", _("Consultation")

    class Status(models.TextChoices):
        OPEN = "offen", _("open")
        IN_PROGRESS = "in_bearbeitung", _("in progress")
        DONE = "erledigt", _("done")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="service_requests",
        verbose_name=_("municipality"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    message = models.TextField(_("what it is about"))
    preferred_dates = models.CharField(_("preferred dates"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="service_requests",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    staff_notes = models.TextField(_("notes of the LPR office"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["-created_at", "-id"], name="request_created_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.municipality}"


class MunicipalCoordinator(TimeStampedModel):
    """Links a user of the role "Kommunale Koordination" to a municipality they coordinate."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coordinations",
        verbose_name=_("user"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="coordinations",
        verbose_name=_("municipality"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("municipal coordinator")
        verbose_name_plural = _("municipal coordinators")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"], name="municipal_coordinator_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.municipality}"


class DirectorateMember(TimeStampedModel):
    """Links a user of the role "Polizei" to their police directorate (read-only access)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="directorate_memberships",
        verbose_name=_("user"),
    )
    directorate = models.ForeignKey(
        PoliceDirectorate,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("police directorate"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("police user")
        verbose_name_plural = _("police users")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "directorate"], name="directorate_member_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.directorate}"
