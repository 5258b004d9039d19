"""One JSON object per log line, for log collectors (``DJANGO_LOG_FORMAT=json``).

Each line holds ``time`` (ISO 8601, UTC, with its offset), ``level``, ``logger`` and ``message``;
``exception`` (the traceback) when one is logged; ``method``, ``path``, ``status`` and
``request_id`` (the proxy's ``X-Request-ID``) for Django's request logs and gunicorn's access log
(with ``duration_ms``; see ``gunicorn.conf.py``); ``task`` and ``task_id`` inside a Celery task.
No new dependency: the standard library's ``json``.
"""

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest


class JsonFormatter(logging.Formatter):
    """Format a record as a single line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            entry.update(_access_fields(record.args))
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):  # django.server passes a socket instead
            entry["method"] = request.method
            entry["path"] = request.path
            request_id = request.headers.get("X-Request-ID")
            if request_id:
                entry["request_id"] = request_id[:200]
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        task = _current_task()
        if task is not None:
            entry["task"] = task.name
            entry["task_id"] = task.request.id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _access_fields(atoms: Mapping[str, Any]) -> dict[str, Any]:
    """Fields of a gunicorn access record (its arguments are gunicorn's log atoms)."""
    fields: dict[str, Any] = {
        "method": atoms["m"],
        "path": atoms["U"],
        "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
        "duration_ms": round(int(atoms["D"]) / 1000, 1),
        "remote_addr": atoms["h"],
    }
    request_id = atoms["{x-request-id}i"]
    if request_id and request_id != "-":
        fields["request_id"] = str(request_id)[:200]
    return fields


def _current_task() -> Any:
    """The Celery task this record was logged in, if any (the same lookup as Celery's formatter)."""
    from celery._state import get_current_task

    task = get_current_task()
    return task if task is not None and task.request.id else None
