"""Checks for uploaded documents: a PDF by its content, within the size limit, without scripts.

Two layers: a quick look at the raw bytes, then a walk over the parsed object graph. The walk
sees what the bytes hide: names written with ``#xx`` escapes (``/J#61vaScript``) and objects
packed into compressed object streams.
"""

import io
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Actions a PDF may carry that run code or open other files when it is viewed.
ACTIVE_CONTENT = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia")
# The same in the parsed document: keys that carry scripts, files or forms that run code ...
ACTIVE_KEYS = frozenset(
    {"/JavaScript", "/JS", "/EmbeddedFiles", "/EF", "/RichMediaContent", "/XFA"}
)
# ... action types (/S), annotation types (/Subtype) and object types (/Type) that do.
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute", "/GoToE"})
ACTIVE_SUBTYPES = frozenset({"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen"})
ACTIVE_TYPES = frozenset({"/EmbeddedFile"})
# A scanned document has a few objects per page; far more is not a document a person uploads.
MAX_OBJECTS = 200_000


def validate_pdf_upload(upload: File) -> bytes:
    """The bytes of an uploaded PDF, or a ValidationError that says in German what is wrong."""
    limit = settings.ASSKOMM_MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB); at most %(limit)s MB are allowed.")
            % {"size": f"{size / 1_000_000:.1f}".replace(".", ","), "limit": limit // 1_000_000}
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("The file is too large; at most %(limit)s MB are allowed.")
            % {"limit": limit // 1_000_000}
        )
    if not data.lstrip()[:5] == b"%PDF-":
        raise ValidationError(_("The file is not a PDF document. Please upload a PDF."))
    if any(marker in data for marker in ACTIVE_CONTENT):
        raise ValidationError(
            _("The PDF contains scripts or embedded files and cannot be accepted.")
        )
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationError(_("The PDF is password-protected. Please upload it unprotected."))
        if len(reader.pages) == 0:
            raise ValidationError(_("The PDF has no pages."))
        active = _has_active_content(reader)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise ValidationError(_("The PDF cannot be read; it may be damaged.")) from error
    except Exception as error:  # noqa: BLE001 - pypdf raises many more kinds on broken files
        logger.info("Unreadable PDF upload: %r", error)
        raise ValidationError(_("The PDF cannot be read; it may be damaged.")) from error
    if active:
        raise ValidationError(
            _("The PDF contains scripts or embedded files and cannot be accepted.")
        )
    return data


def _has_active_content(reader: Any) -> bool:
    """Whether any object reachable from the trailer carries a script, a file or an action."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(node, DictionaryObject):
            if any(str(name) in ACTIVE_KEYS for name in node):
                return True
            if (
                str(node.get("/S", "")) in ACTIVE_ACTIONS
                or str(node.get("/Subtype", "")) in ACTIVE_SUBTYPES
                or str(node.get("/Type", "")) in ACTIVE_TYPES
            ):
                return True
            stack.extend(value for name, value in node.items() if name != "/Parent")
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False
