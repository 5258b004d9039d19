"""Shared building blocks of every app: timestamps and background jobs.

``Job`` = Hintergrundauftrag (e.g. rendering a batch of PDFs), ``JobItem`` = one of its parts.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Adds when a row was created and last changed (the *who* lives in its history)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Job(models.Model):
    """A background job the UI can follow: waiting, running, done or failed, with progress.

    The state lives here, not only in Celery's result backend, so a page can show it and a
    re-delivered task can see what was already done. Items point to what is worked on.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    total = models.PositiveIntegerField(_("items"), default=0)
    completed = models.PositiveIntegerField(_("completed"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ("-created_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(completed__lte=F("total")) & Q(failed__lte=F("total")),
                name="job_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        return round(100 * (self.completed + self.failed) / self.total) if self.total else 100

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class JobItem(models.Model):
    """One thing a job works on (e.g. one agreement), with its own state and attempts."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="items")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    status = models.CharField(
        _("status"), max_length=10, choices=Job.Status.choices, default=Job.Status.WAITING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job item")
        verbose_name_plural = _("job items")
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=["job", "content_type", "object_id"], name="job_item_unique_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job} · {self.content_type.model} {self.object_id}"


class Counter(models.Model):
    """A named running number (e.g. of cooperation agreements), incremented under a row lock."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    value = models.PositiveIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


class FormDraft(models.Model):
    """What a user typed into a long form and saved as a draft, to continue later.

    Stored unvalidated, per user and form; files are never part of a draft.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="form_drafts"
    )
    key = models.CharField(_("form"), max_length=120)
    data = models.JSONField(_("entries"), default=dict)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("form draft")
        verbose_name_plural = _("form drafts")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="form_draft_unique_per_form"),
        ]

    def __str__(self) -> str:
        return self.key


class PersonalDataErasure(models.Model):
    """That a person's data was erased (GDPR Art. 17): who, when, which records, nothing erased.

    ``subjects`` and ``retained`` hold only model labels and keys (e.g. ``accounts.user:12``,
    now anonymised rows); ``changed`` counts the rows changed per table.
    """

    erased_at = models.DateTimeField(_("erased at"), auto_now_add=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("erased by"),
        null=True,
        blank=True,
    )
    via = models.CharField(_("via"), max_length=20, default="admin")
    subjects = models.JSONField(_("erased records"), default=list)
    changed = models.JSONField(_("rows changed per table"), default=dict)
    retained = models.JSONField(_("legal records kept"), default=list)

    class Meta:
        verbose_name = _("erasure of personal data")
        verbose_name_plural = _("erasures of personal data")
        ordering = ("-erased_at",)

    def __str__(self) -> str:
        return f"{self.erased_at:%d.%m.%Y %H:%M} · {', '.join(self.subjects)}"
