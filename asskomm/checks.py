"""System checks of the project's own: uploaded documents never land where static files are served.

Static files are public (WhiteNoise serves ``STATIC_ROOT`` to anyone); uploaded and generated
documents (agreements, letters, minutes, reports) are served only by views that check access.
A media folder inside a static folder, or one containing it, would publish them all.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


def _folder(value: Any) -> Path | None:
    if isinstance(value, list | tuple):  # STATICFILES_DIRS entries may be (prefix, path)
        value = value[-1]
    return Path(value).resolve() if value else None


def _overlap(one: Path, other: Path) -> bool:
    return one == other or one in other.parents or other in one.parents


@register(Tags.security)
def media_outside_static(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    media = _folder(settings.MEDIA_ROOT)
    if media is None:
        return [Error("MEDIA_ROOT is not set.", id="asskomm.E101")]
    served = {
        "STATIC_ROOT": settings.STATIC_ROOT,
        "WHITENOISE_ROOT": getattr(settings, "WHITENOISE_ROOT", None),
        **{f"STATICFILES_DIRS[{n}]": d for n, d in enumerate(settings.STATICFILES_DIRS)},
    }
    errors: list[CheckMessage] = []
    for name, value in served.items():
        folder = _folder(value)
        if folder is not None and _overlap(media, folder):
            errors.append(
                Error(
                    f"MEDIA_ROOT ({media}) overlaps {name} ({folder}): uploaded documents "
                    "would be served to anyone as static files.",
                    hint="Keep DJANGO_MEDIA_ROOT and DJANGO_STATIC_ROOT in separate folders.",
                    id="asskomm.E102",
                )
            )
    if settings.MEDIA_URL and settings.STATIC_URL:
        media_url = "/" + settings.MEDIA_URL.strip("/") + "/"
        static_url = "/" + settings.STATIC_URL.strip("/") + "/"
        if media_url.startswith(static_url) or static_url.startswith(media_url):
            errors.append(
                Error(
                    f"MEDIA_URL ({settings.MEDIA_URL}) lies within STATIC_URL "
                    f"({settings.STATIC_URL}) or the other way round.",
                    id="asskomm.E103",
                )
            )
    return errors
