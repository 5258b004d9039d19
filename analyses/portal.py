"""What security analyses contribute to a coordinator's start page (2 queries)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from asskomm.portal import Contribution, Milestone, PortalDocument, Todo

from .models import ChecklistTask, SecurityAnalysis

Status = SecurityAnalysis.Status


def contribution(municipality: Any) -> Contribution:
    analyses = list(
        SecurityAnalysis.objects.filter(municipalities=municipality).order_by("-year", "-pk")
    )
    result = Contribution()
    if not analyses:
        return result
    latest = analyses[0]
    done = latest.status in (Status.PRESENTED, Status.IMPLEMENTATION)
    result.milestones.append(
        Milestone(
            step="sicherheitsanalyse",
            done=done,
            date=latest.presented_on if done else latest.kickoff_on,
            detail=str(latest.get_status_display()),
        )
    )
    open_tasks = ChecklistTask.objects.filter(analysis__in=analyses, done_on__isnull=True).exclude(
        analysis__status__in=(Status.PRESENTED, Status.IMPLEMENTATION)
    )
    for task in open_tasks.select_related("analysis"):
        result.todos.append(
            Todo(
                text=_("Security analysis: %(task)s") % {"task": task.get_task_display()},
                url=reverse("analyses:analysis", args=[municipality.ags, task.analysis_id]),
            )
        )
    for analysis in analyses:
        if analysis.final_report:
            result.documents.append(
                PortalDocument(
                    title=_("Final report: %(title)s") % {"title": analysis.title},
                    date=analysis.presented_on,
                    url=reverse("analyses:report", args=[municipality.ags, analysis.pk]),
                    kind=str(_("Security analysis")),
                )
            )
    return result
