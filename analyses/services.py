"""Writes of the analyses app: the process, the municipality's checklist, imports, reports.

Imports are all or nothing: a file is parsed completely first (``analyses.imports``); with any
error nothing is written and every problem is reported with its line. A valid file is upserted on
its natural keys, so importing it again changes nothing.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from asskomm.history import save_with_history, short_reason
from asskomm.jobs import job_create, job_enqueue
from asskomm.models import Job
from asskomm.uploads import validate_pdf_upload
from municipalities.models import District, Municipality

from .imports import ImportErrors, parse_crime_statistics, parse_population, parse_survey
from .models import (
    SAXONY,
    AreaPopulation,
    ChecklistTask,
    CrimeFigure,
    DataImport,
    ReportDraft,
    SecurityAnalysis,
    SurveyResponse,
)

Status = SecurityAnalysis.Status
MAX_IMPORT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    created: int
    updated: int
    unchanged: int


def known_areas() -> set[str]:
    """Every key an import may name: municipalities, Kreise, and Saxony."""
    return (
        set(Municipality.objects.values_list("ags", flat=True))
        | set(District.objects.values_list("key", flat=True))
        | {SAXONY}
    )


def _read(upload: Any) -> tuple[bytes, str]:
    if upload.size > MAX_IMPORT_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    data = upload.read()
    return data, hashlib.sha256(data).hexdigest()


def _as_validation_error(error: ImportErrors) -> ValidationError:
    return ValidationError(error.messages)


def _record_import(record: DataImport, *, user: Any) -> None:
    """Keep what was imported, by whom and when (the row and its history name the user)."""
    record.imported_by = user if getattr(user, "pk", None) else None
    save_with_history(
        record, user=user, reason=_("Imported from %(file)s") % {"file": record.file_name}
    )


# --- The process


@transaction.atomic
def analysis_create(
    *, title: str, year: int, municipalities: list[Municipality], user: Any, **fields: Any
) -> SecurityAnalysis:
    """A planned analysis with the municipality's four tasks on its checklist."""
    if not municipalities:
        raise ValidationError(_("Choose at least one municipality."))
    analysis = SecurityAnalysis(
        title=title.strip(), year=year, planned_on=timezone.localdate(), **fields
    )
    analysis.full_clean()
    save_with_history(analysis, user=user, reason=_("Analysis planned"))
    analysis.municipalities.set(municipalities)
    checklist_ensure(analysis)
    return analysis


def checklist_ensure(analysis: SecurityAnalysis) -> None:
    for task in ChecklistTask.Task.values:
        ChecklistTask.objects.get_or_create(analysis=analysis, task=task)


@transaction.atomic
def analysis_advance(
    *, analysis: SecurityAnalysis, on: date, user: Any, status: str | None = None
) -> SecurityAnalysis:
    """Move to the next stage (or the stage named), recording its date; never backwards."""
    analysis = SecurityAnalysis.objects.select_for_update().get(pk=analysis.pk)
    order: list[str] = [str(value) for value, _field in SecurityAnalysis.MILESTONES]
    current = order.index(analysis.status)
    target = order.index(status) if status else current + 1
    if target >= len(order):
        raise ValidationError(_("The analysis is already in its last stage."))
    if target <= current:
        raise ValidationError(_("An analysis does not go back to an earlier stage."))
    previous_date = getattr(analysis, SecurityAnalysis.MILESTONES[current][1])
    if previous_date and on < previous_date:
        raise ValidationError(_("The date lies before the date of the current stage."))
    if on > timezone.localdate():
        raise ValidationError(_("The date cannot lie in the future."))
    if order[target] == Status.PRESENTED and not analysis.final_report:
        raise ValidationError(_("Upload the final report before recording its presentation."))
    value, field = SecurityAnalysis.MILESTONES[target]
    analysis.status = value
    setattr(analysis, field, on)
    save_with_history(
        analysis,
        user=user,
        reason=_("Stage: %(stage)s") % {"stage": SecurityAnalysis.Status(value).label},
    )
    return analysis


@transaction.atomic
def checklist_tick(*, task: ChecklistTask, done: bool, user: Any, note: str = "") -> ChecklistTask:
    """The municipality ticks a task off (or takes the tick back), with who and when."""
    task = ChecklistTask.objects.select_for_update().get(pk=task.pk)
    if done:
        task.done_on = task.done_on or timezone.localdate()
        task.done_by = task.done_by or (user if getattr(user, "pk", None) else None)
    else:
        task.done_on = None
        task.done_by = None
    if note is not None:
        task.note = note.strip()[:300]
    reason = _("Done") if done else _("Marked as not done")
    save_with_history(task, user=user, reason=reason)
    return task


@transaction.atomic
def final_report_upload(*, analysis: SecurityAnalysis, upload: Any, user: Any) -> SecurityAnalysis:
    """The contractor's final report as PDF, fingerprinted; a new upload replaces it (on record)."""
    data = validate_pdf_upload(upload)
    analysis = SecurityAnalysis.objects.select_for_update().get(pk=analysis.pk)
    analysis.final_report.save("bericht.pdf", ContentFile(data), save=False)
    analysis.final_report_sha256 = hashlib.sha256(data).hexdigest()
    analysis.final_report_uploaded_at = timezone.now()
    save_with_history(analysis, user=user, reason=_("Final report uploaded"))
    return analysis


# --- Imports


@transaction.atomic
def crime_statistics_import(*, upload: Any, user: Any, source: str = "") -> ImportSummary:
    data, sha256 = _read(upload)
    try:
        rows = parse_crime_statistics(data, known_areas=known_areas())
    except ImportErrors as error:
        raise _as_validation_error(error) from None
    existing = {
        (figure.area_key, figure.year, figure.offence_group): figure
        for figure in CrimeFigure.objects.filter(
            area_key__in={row.area_key for row in rows}, year__in={row.year for row in rows}
        )
    }
    created = updated = 0
    for row in rows:
        figure = existing.get((row.area_key, row.year, row.offence_group))
        if figure is None:
            figure = CrimeFigure(
                area_key=row.area_key, year=row.year, offence_group=row.offence_group
            )
            created += 1
        elif figure.cases == row.cases:
            continue
        else:
            updated += 1
        figure.cases = row.cases
        figure.source = (source or upload.name)[:200]  # a file name may be longer
        save_with_history(
            figure, user=user, reason=_("Imported from %(file)s") % {"file": upload.name}
        )
    _record_import(
        DataImport(
            kind=DataImport.Kind.CRIME,
            file_name=upload.name,
            sha256=sha256,
            rows=len(rows),
            created=created,
            updated=updated,
        ),
        user=user,
    )
    return ImportSummary(len(rows), created, updated, len(rows) - created - updated)


@transaction.atomic
def population_import(*, upload: Any, user: Any, source: str = "") -> ImportSummary:
    data, sha256 = _read(upload)
    try:
        rows = parse_population(data, known_areas=known_areas())
    except ImportErrors as error:
        raise _as_validation_error(error) from None
    existing = {
        (row.area_key, row.year): row
        for row in AreaPopulation.objects.filter(area_key__in={row.area_key for row in rows})
    }
    created = updated = 0
    reason = _("Imported from %(file)s") % {"file": upload.name}
    for row in rows:
        figure = existing.get((row.area_key, row.year))
        if figure is None:
            figure = AreaPopulation(area_key=row.area_key, year=row.year)
            created += 1
        elif figure.population == row.population:
            continue
        else:
            updated += 1
        figure.population = row.population
        figure.source = (source or upload.name)[:200]  # a file name may be longer
        save_with_history(figure, user=user, reason=reason)
    _record_import(
        DataImport(
            kind=DataImport.Kind.POPULATION,
            file_name=upload.name,
            sha256=sha256,
            rows=len(rows),
            created=created,
            updated=updated,
        ),
        user=user,
    )
    return ImportSummary(len(rows), created, updated, len(rows) - created - updated)


@transaction.atomic
def survey_import(*, analysis: SecurityAnalysis, upload: Any, user: Any) -> ImportSummary:
    """Returned questionnaires of an analysis; a questionnaire number is imported once."""
    data, sha256 = _read(upload)
    try:
        rows = parse_survey(data)
    except ImportErrors as error:
        raise _as_validation_error(error) from None
    analysis = SecurityAnalysis.objects.select_for_update().get(pk=analysis.pk)
    existing = {response.questionnaire: response for response in analysis.responses.all()}
    created_rows = []
    updated = 0
    reason = _("Imported from %(file)s") % {"file": upload.name}
    for row in rows:
        response = existing.get(row.questionnaire)
        if response is None:
            created_rows.append(
                SurveyResponse(
                    analysis=analysis,
                    questionnaire=row.questionnaire,
                    age_group=row.age_group,
                    town_district=row.town_district,
                    answers=row.answers,
                )
            )
        elif (response.age_group, response.town_district, response.answers) != (
            row.age_group,
            row.town_district,
            row.answers,
        ):
            response.age_group = row.age_group
            response.town_district = row.town_district
            response.answers = row.answers
            save_with_history(
                response,
                user=user,
                reason=reason,
                update_fields=["age_group", "town_district", "answers"],
            )
            updated += 1
    bulk_create_with_history(
        created_rows,
        SurveyResponse,
        batch_size=1000,
        default_user=user if getattr(user, "pk", None) else None,
        default_change_reason=short_reason(reason),
    )
    if analysis.sample_size and analysis.responses.count() > analysis.sample_size:
        raise ValidationError(
            _("More questionnaires would be returned (%(returned)d) than were sent (%(sent)d).")
            % {"returned": analysis.responses.count(), "sent": analysis.sample_size}
        )
    _record_import(
        DataImport(
            kind=DataImport.Kind.SURVEY,
            analysis=analysis,
            file_name=upload.name,
            sha256=sha256,
            rows=len(rows),
            created=len(created_rows),
            updated=updated,
        ),
        user=user,
    )
    save_with_history(
        analysis,
        user=user,
        reason=_("Survey imported: %(count)d questionnaires") % {"count": len(rows)},
    )
    return ImportSummary(
        len(rows), len(created_rows), updated, len(rows) - len(created_rows) - updated
    )


# --- The draft report


def report_queue(*, analysis: SecurityAnalysis, user: Any) -> Job:
    """Queue the rendering of a draft Lagebericht; its progress shows in the admin."""
    job = job_create(
        kind="lagebericht",
        title=_("Draft report: %(title)s") % {"title": analysis.title},
        targets=[analysis],
        user=user,
    )
    return job_enqueue(job)


def report_render(*, analysis_id: int) -> ReportDraft:
    """Render the draft from the data as they are now and keep it (every rendering is kept)."""
    from .report import build_report_pdf

    analysis = SecurityAnalysis.objects.get(pk=analysis_id)
    rendered, responses = build_report_pdf(analysis)
    draft = ReportDraft(
        analysis=analysis,
        sha256=hashlib.sha256(rendered.data).hexdigest(),
        pages=rendered.pages,
        responses=responses,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    draft.file.save(f"lagebericht-entwurf-{stamp}.pdf", ContentFile(rendered.data), save=False)
    draft.save()
    return draft
