"""Registry of personal data (GDPR Art. 15/17): which model fields hold data about a person.

Models declare ``PERSONAL_DATA_FIELDS``; export and erasure of a person's data (and the test that
nothing personal goes unmarked) are driven from here.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Field names that always point to data about a natural person, wherever they appear.
PERSONAL_FIELD_NAMES = frozenset(
    {"first_name", "last_name", "person_name", "email", "phone", "mobile"}
)


def personal_data_models() -> Iterator[tuple[type[models.Model], tuple[str, ...]]]:
    """Every installed model that declares personal data, with the fields that hold it."""
    for model in apps.get_models():
        fields = getattr(model, "PERSONAL_DATA_FIELDS", ())
        if fields:
            yield model, tuple(fields)


# The legal record of signed and issued documents (GDPR Art. 17(3)(b) and (e)): decisions,
# payments and stored agreement documents are never changed, whole rows (``WHOLE_ROW``); of an
# agreement, the frozen text its fingerprint was computed from and that its signed PDF prints,
# names included. Only the live rows: the copies in the history tables are scrubbed like
# everything else.
WHOLE_ROW = "*"
LEGAL_RECORD_FIELDS: dict[str, tuple[str, ...]] = {
    "agreements.cooperationagreement": ("frozen_content", "content_fingerprint"),
    "agreements.agreementdocument": (WHOLE_ROW,),
    "funding.fundingdecision": (WHOLE_ROW,),
    "funding.payment": (WHOLE_ROW,),
}

# What erased personal data is replaced with.
ERASED = "gelöscht"
ERASED_EMAIL_DOMAIN = "geloescht.invalid"

TEXT_FIELDS = (models.CharField, models.TextField)


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _live_model(model: type[models.Model]) -> type[models.Model]:
    """The model a history table copies (simple-history's ``instance_type``), or the model."""
    return getattr(model, "instance_type", model)


def table_name(model: type[models.Model], *, plural: bool = False) -> str:
    """A table's name for people: a history table as "Verlauf: …" (simple-history names it
    "historical …", untranslated)."""
    live = _live_model(model)
    name = live._meta.verbose_name_plural if plural else live._meta.verbose_name
    if live is model:
        return str(name)
    return str(_("History: %(name)s") % {"name": name})


def _is_history(model: type[models.Model]) -> bool:
    return _live_model(model) is not model


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager).model if manager else None


def legal_record_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The columns of ``model`` that erasure leaves as they are."""
    fields = LEGAL_RECORD_FIELDS.get(_label(model), ())
    if WHOLE_ROW in fields:
        return tuple(f.name for f in model._meta.concrete_fields)
    return fields


def _names_of(record: models.Model) -> set[str]:
    """How a person's name is written: "Vorname Nachname", with title, "Nachname, Vorname"."""
    first = (getattr(record, "first_name", "") or "").strip()
    last = (getattr(record, "last_name", "") or "").strip()
    title = (getattr(record, "title", "") or "").strip()
    if not first or not last or last == ERASED:
        return set()  # a surname alone would match strangers
    names = {f"{first} {last}", f"{last}, {first}"}
    if title:
        names.add(f"{title} {first} {last}")
    return names


@dataclass
class Person:
    """Everything that identifies one person: their own records, e-mail addresses and names."""

    records: list[models.Model] = field(default_factory=list)
    emails: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    @property
    def needles(self) -> list[str]:
        # Longest first, so that "Dr. Anna Müller" is replaced before "Anna Müller".
        return sorted(self.emails | self.names, key=lambda text: (-len(text), text))

    def pattern(self) -> re.Pattern[str]:
        alternatives = "|".join(re.escape(needle) for needle in self.needles)
        return re.compile(rf"(?<![\w.@-])(?:{alternatives})(?![\w@-])", re.IGNORECASE)

    def describe(self) -> list[str]:
        return [f"{_label(type(record))}:{record.pk}" for record in self.records]


def _subject_models() -> list[type[models.Model]]:
    """Models whose rows are a person (they hold an e-mail address among their personal data)."""
    return [model for model, fields in personal_data_models() if "email" in fields]


def find_person(*, email: str = "", records: list[models.Model] | None = None) -> Person:
    """The person behind an e-mail address or some records, with every record of theirs.

    Records of a person are found by e-mail address across the models that hold one (a user and
    a contact with the same address are the same person).
    """
    person = Person()
    pending = list(records or [])
    if email:
        person.emails.add(email.strip().lower())
    seen: set[tuple[str, Any]] = set()
    while True:
        for record in pending:
            key = (_label(type(record)), record.pk)
            if key in seen:
                continue
            seen.add(key)
            person.records.append(record)
            address = (getattr(record, "email", "") or "").strip().lower()
            if address and not address.endswith("@" + ERASED_EMAIL_DOMAIN):
                person.emails.add(address)
            person.names |= _names_of(record)
            # Earlier names and addresses, as the history of the record still holds them.
            history = _history_model(type(record))
            if history is not None:
                pk_name = type(record)._meta.pk.attname
                for copy in history._default_manager.filter(**{pk_name: record.pk}):
                    address = (getattr(copy, "email", "") or "").strip().lower()
                    if address and not address.endswith("@" + ERASED_EMAIL_DOMAIN):
                        person.emails.add(address)
                    person.names |= _names_of(copy)
        pending = []
        for model in _subject_models():
            query = Q()
            for address in person.emails:
                query |= Q(email__iexact=address)
            if query:
                pending += [
                    record
                    for record in model._default_manager.filter(query)
                    if (_label(model), record.pk) not in seen
                ]
        if not pending:
            return person


@dataclass
class Finding:
    """A row that holds data about the person, and how it relates to them."""

    model: type[models.Model]
    obj: models.Model
    relation: str  # own, own_history, mention, reference, author
    fields: tuple[str, ...]


def _text_fields(model: type[models.Model]) -> list[Any]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, TEXT_FIELDS + (models.JSONField,)) and not f.primary_key
    ]


def _variants(needle: str) -> set[str]:
    # JSON written by SQLite keeps non-ASCII letters as \\u escapes.
    return {needle, json.dumps(needle)[1:-1]}


def _matches(value: Any, pattern: re.Pattern[str]) -> bool:
    if value is None:
        return False
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False)
    return bool(pattern.search(value))


def find_personal_data(person: Person) -> list[Finding]:
    """Every row of every table that holds or names the person, including the history tables."""
    findings: list[Finding] = []
    seen: dict[tuple[str, Any], Finding] = {}

    def add(model: type[models.Model], obj: models.Model, relation: str, fields: Any) -> None:
        key = (_label(model), obj.pk)
        if key in seen:  # e.g. a consultation that refers to the person and names them
            finding = seen[key]
            finding.fields = tuple(dict.fromkeys((*finding.fields, *fields)))
            return
        seen[key] = Finding(model, obj, relation, tuple(fields))
        findings.append(seen[key])

    for record in person.records:
        model = type(record)
        add(model, record, "own", getattr(model, "PERSONAL_DATA_FIELDS", ()))
        history = _history_model(model)
        if history is not None:
            for copy in history._default_manager.filter(**{model._meta.pk.attname: record.pk}):
                add(history, copy, "own_history", getattr(model, "PERSONAL_DATA_FIELDS", ()))

    subjects: dict[type[models.Model], list[Any]] = {}
    for record in person.records:
        subjects.setdefault(type(record), []).append(record.pk)
    for model in apps.get_models():
        is_copy = _is_history(model)
        for relation_field in model._meta.get_fields():
            if not (relation_field.many_to_many or relation_field.many_to_one) or (
                relation_field.auto_created and not relation_field.concrete
            ):
                continue
            target: Any = relation_field.related_model
            if target not in subjects:
                continue
            name = relation_field.name
            if is_copy and name != "history_user":
                continue  # copies of the live rows' references
            relation = "author" if name == "history_user" else "reference"
            rows = model._default_manager.filter(**{f"{name}__in": subjects[target]})
            for obj in rows.distinct().order_by("pk"):
                add(model, obj, relation, [name])
    if person.needles:
        pattern = person.pattern()
        for model in apps.get_models():
            fields = _text_fields(model)
            if not fields:
                continue
            query = Q()
            for text_field in fields:
                for needle in person.needles:
                    for variant in _variants(needle):
                        query |= Q(**{f"{text_field.name}__icontains": variant})
            for obj in model._default_manager.filter(query).order_by("pk"):
                retained = legal_record_fields(model)
                hits = [
                    f.name
                    for f in fields
                    if f.name not in retained and _matches(getattr(obj, f.attname), pattern)
                ]
                if hits:
                    add(model, obj, "mention", hits)

    return findings


def _json_value(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _row_data(obj: models.Model) -> dict[str, Any]:
    data = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.name in ("password",):
            continue
        data[model_field.name] = _json_value(getattr(obj, model_field.attname))
    return data


RELATIONS = {
    "own": _("record of the person"),
    "own_history": _("earlier version of the person's record (history)"),
    "mention": _("names the person"),
    "reference": _("refers to the person"),
    "author": _("change made by the person (history)"),
}


def retained_legal_records(person: Person) -> list[dict[str, Any]]:
    """Legal records whose frozen text names the person: kept as they are."""
    retained: list[dict[str, Any]] = []
    if not person.needles:
        return retained
    pattern = person.pattern()
    for label in LEGAL_RECORD_FIELDS:
        model = apps.get_model(label)
        kept = set(legal_record_fields(model))
        columns = [f.attname for f in _text_fields(model) if f.name in kept]
        for obj in model._default_manager.order_by("pk"):
            if any(_matches(getattr(obj, column), pattern) for column in columns):
                retained.append({"model": label, "pk": obj.pk, "description": str(obj)})
    return retained


def export_personal_data(person: Person) -> dict[str, Any]:
    """A JSON-ready document of everything held about a person (GDPR Art. 15)."""
    findings = find_personal_data(person)
    records = []
    for finding in findings:
        entry: dict[str, Any] = {
            "model": _label(finding.model),
            "model_name": table_name(finding.model),
            "pk": _json_value(finding.obj.pk),
            "relation": finding.relation,
            "relation_label": str(RELATIONS[finding.relation]),
            "fields": list(finding.fields),
        }
        if finding.relation == "reference":
            entry["description"] = str(finding.obj)
        elif finding.relation == "author":
            entry["data"] = {
                name: _json_value(getattr(finding.obj, name, None))
                for name in ("history_date", "history_type", "history_change_reason")
            }
            entry["data"]["object_id"] = _json_value(
                getattr(finding.obj, _live_model(finding.model)._meta.pk.attname)
            )
        else:
            entry["data"] = _row_data(finding.obj)
        records.append(entry)
    return {
        "title": str(_("Personal data held by the ASSKomm portal (GDPR Art. 15)")),
        "created_at": timezone.localtime().isoformat(timespec="seconds"),
        "person": {"emails": sorted(person.emails), "names": sorted(person.names)},
        "models": sorted({entry["model"] for entry in records}),
        "records": records,
        "legal_records": retained_legal_records(person),
        "legal_records_note": str(
            _(
                "The frozen texts of signed agreements and issued decisions name the people who "
                "signed them or were the contact; they are kept as legal records (GDPR Art. "
                "17(3)(b) and (e)) together with their PDFs."
            )
        ),
    }


def _erased_value(model: type[models.Model], name: str, pk: Any) -> Any:
    """The neutral value of a personal field of the person's own record."""
    live = _live_model(model)
    field_object: Any = live._meta.get_field(name)
    if isinstance(field_object, models.EmailField):
        return f"{live._meta.model_name}-{pk}@{ERASED_EMAIL_DOMAIN}" if field_object.unique else ""
    if name in ("last_name", "person_name") or not field_object.blank:
        return ERASED
    return "" if isinstance(field_object, TEXT_FIELDS) else None


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, pattern) for key, item in value.items()}
    return value


@transaction.atomic
def erase_personal_data(person: Person, *, erased_by: Any, via: str = "admin") -> Any:
    """Anonymise a person everywhere, history included; legal records stay as they are.

    Rows are changed with ``update()``: no new history rows are written that would copy the
    data once more. The person's user accounts are deactivated and their sessions ended. The
    erasure itself is logged, naming only the records' keys.
    """
    from django.contrib.sessions.models import Session

    from .models import FormDraft, PersonalDataErasure

    findings = find_personal_data(person)
    pattern = person.pattern() if person.needles else None
    changed: dict[str, int] = {}
    for finding in findings:
        model, obj = finding.model, finding.obj
        values: dict[str, Any] = {}
        if finding.relation in ("own", "own_history"):
            live_pk = getattr(obj, _live_model(model)._meta.pk.attname)
            for name in getattr(_live_model(model), "PERSONAL_DATA_FIELDS", ()):
                values[name] = _erased_value(model, name, live_pk)
        if pattern is not None:
            retained = legal_record_fields(model)
            for text_field in _text_fields(model):
                if text_field.name in retained or text_field.name in values:
                    continue
                current = getattr(obj, text_field.attname)
                scrubbed = _scrub(current, pattern)
                if scrubbed != current:
                    values[text_field.name] = scrubbed
        if values:
            model._default_manager.filter(pk=obj.pk).update(**values)
            changed[_label(model)] = changed.get(_label(model), 0) + 1

    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    user_ids = [record.pk for record in person.records if isinstance(record, user_model)]
    if user_ids:
        user_model._default_manager.filter(pk__in=user_ids).update(
            is_active=False, password=make_password(None)
        )
        FormDraft.objects.filter(user_id__in=user_ids).delete()
        wanted = {str(pk) for pk in user_ids}
        for session in Session.objects.all():
            if session.get_decoded().get("_auth_user_id") in wanted:
                session.delete()

    kept = retained_legal_records(person)
    return PersonalDataErasure.objects.create(
        erased_by=erased_by,
        via=via,
        subjects=person.describe(),
        changed=changed,
        retained=[f"{entry['model']}:{entry['pk']}" for entry in kept],
    )
