"""Legal records that are never deleted: signed agreements, decisions, payments.

A model that holds such records mixes in ``ProtectedRecord``, says which of its rows are records
in ``protected_records()`` (a ``Q``), and uses ``RecordQuerySet.as_manager()``. Then

- ``instance.delete()`` refuses a record,
- ``Model.objects.filter(…).delete()`` refuses when the set contains a record,
- a cascade (deleting a parent through a ``CASCADE`` foreign key) is refused by a ``pre_delete``
  receiver, because Django's collector calls neither of the two above; ``protect_records()``
  connects it in ``AppConfig.ready``; ``protect_links()`` keeps the rows of a many-to-many field
  (e.g. the municipalities of a signed agreement),

each with ``RecordDeletionRefused``, a ``ProtectedError``, so code that already handles
``on_delete=PROTECT`` handles it too. Foreign keys pointing *from* a record to its parent use
``PROTECT`` as well, so the parent cannot go first. On PostgreSQL a trigger refuses the same rows
for anything that bypasses the ORM (``funding/migrations`` and ``agreements/migrations``).
"""

from typing import Any, ClassVar

from django.db import models
from django.db.models import ProtectedError, Q
from django.db.models.signals import m2m_changed, pre_delete
from django.utils.translation import gettext


class RecordDeletionRefused(ProtectedError):
    """A legal record was to be deleted."""

    def __init__(self, objects: Any, message: str | None = None) -> None:
        objects = list(objects)
        if message is None:
            names = sorted({str(obj._meta.verbose_name_plural) for obj in objects})
            message = gettext(
                "%(records)s are legal records and are never deleted; a correction is a new "
                "record that refers to the old one."
            ) % {"records": ", ".join(names)}
        super().__init__(message, set(objects))


class RecordQuerySet(models.QuerySet[Any]):
    """A queryset whose ``delete()`` refuses when it contains a protected record."""

    def delete(self) -> tuple[int, dict[str, int]]:
        protected = list(self.filter(self.model.protected_records())[:5])
        if protected:
            raise RecordDeletionRefused(protected, getattr(self.model, "deletion_refused", None))
        return super().delete()


class ProtectedRecord:
    """Mixin for models whose rows (all, or those in ``protected_records()``) stay forever."""

    # Shown when a deletion is refused; the default names the kind of record.
    deletion_refused: ClassVar[Any] = None

    @classmethod
    def protected_records(cls) -> Q:
        """The rows that are records (default: every row)."""
        return Q(pk__isnull=False)

    def is_protected_record(self) -> bool:
        if self.pk is None:  # type: ignore[attr-defined]
            return False
        return (
            type(self)
            ._default_manager.filter(  # type: ignore[attr-defined]
                Q(pk=self.pk) & self.protected_records()  # type: ignore[attr-defined]
            )
            .exists()
        )

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_protected_record():
            raise RecordDeletionRefused([self], self.deletion_refused)
        return super().delete(*args, **kwargs)  # type: ignore[misc]


def _refuse_cascade(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, ProtectedRecord) and instance.is_protected_record():
        raise RecordDeletionRefused([instance], instance.deletion_refused)


def protect_records(*models_: type[models.Model]) -> None:
    """Refuse deleting records of these models however the deletion comes about."""
    for model in models_:
        pre_delete.connect(_refuse_cascade, sender=model, dispatch_uid=f"records-{model._meta}")


def protect_links(field: Any, owner: type[ProtectedRecord]) -> None:
    """Refuse removing the rows of a many-to-many field that belong to a protected record.

    Django sends no ``pre_delete`` for the rows of a link table, so this guards both ways a link
    disappears: ``remove()``/``clear()``/``set()`` on either side (``m2m_changed``) and deleting
    the object on the other side (``pre_delete`` of, e.g., the municipality).
    """
    through = field.remote_field.through
    other = field.related_model
    records = owner._default_manager  # type: ignore[attr-defined]

    def refuse_if_protected(queryset: Any) -> None:
        record = queryset.filter(owner.protected_records()).first()
        if record is not None:
            raise RecordDeletionRefused([record], owner.deletion_refused)

    def on_change(
        sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
    ) -> None:
        if action not in ("pre_remove", "pre_clear"):
            return
        if not reverse:
            refuse_if_protected(records.filter(pk=instance.pk))
            return
        linked = records.filter(**{field.name: instance})
        if pk_set is not None:
            linked = linked.filter(pk__in=pk_set)
        refuse_if_protected(linked)

    def on_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
        refuse_if_protected(records.filter(**{field.name: instance}))

    uid = f"links-{through._meta}"
    m2m_changed.connect(on_change, sender=through, weak=False, dispatch_uid=uid)
    pre_delete.connect(on_delete, sender=other, weak=False, dispatch_uid=uid)
