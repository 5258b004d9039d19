"""Checks for uploaded documents: a PDF by its content, within the size limit, without scripts."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

# Actions a PDF may carry that run code or open other files when it is viewed.
ACTIVE_CONTENT = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia")


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
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise ValidationError(_("The PDF cannot be read; it may be damaged.")) from error
    return data
