"""The one PDF rendering service every document of the portal goes through.

WeasyPrint renders a Django template. Its URL fetcher resolves only the project's own static files
(and inline ``data:`` images): whatever a user typed can never make the renderer read a local
file, reach the network or embed an attachment. Empty signature fields can be laid over
elements, for signing in a PDF reader.
"""

import hashlib
import logging
import mimetypes
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

# Documents refer to static files through this origin; nothing else is fetched.
STATIC_ORIGIN = "https://static.asskomm.invalid"
CSS_PX_TO_PT = 0.75
# The only ``data:`` URLs served: images, which carry nothing that could be fetched or attached
# (an SVG's own references go through the same fetcher). Stylesheets, text, HTML, fonts and
# attachments as ``data:`` are refused; no document of the portal needs them.
DATA_IMAGE_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}
)


class RefusedResource(ValueError):
    """A document asked for a resource outside the project's static files."""


def _weasyprint() -> Any:
    # Imported on first use: loading WeasyPrint takes about a second, which commands and web
    # processes that never render should not pay.
    import weasyprint

    return weasyprint


def static_url_fetcher_class() -> type:
    weasyprint = _weasyprint()
    from weasyprint.urls import URLFetcherResponse

    class StaticOnlyURLFetcher(weasyprint.URLFetcher):  # type: ignore[name-defined]
        """Serves the project's static files; refuses files, the network and everything else."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url[:5].lower() == "data:":
                if _data_media_type(url) not in DATA_IMAGE_TYPES:
                    logger.warning("PDF rendering refused a resource: %s", url[:200])
                    raise RefusedResource(f"refused: {url[:200]}")
                return super().fetch(url, headers)
            parts = urlsplit(url)
            prefix = "/" + settings.STATIC_URL.strip("/") + "/"
            if f"{parts.scheme}://{parts.netloc}" != STATIC_ORIGIN or not parts.path.startswith(
                prefix
            ):
                logger.warning("PDF rendering refused a resource: %s", url[:200])
                raise RefusedResource(f"refused: {url[:200]}")
            relative = unquote(parts.path[len(prefix) :])
            data = _read_static_file(relative)
            if data is None:
                raise RefusedResource(f"no such static file: {relative}")
            content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
            return URLFetcherResponse(url, data, {"Content-Type": content_type}, 200)

    return StaticOnlyURLFetcher


def _data_media_type(url: str) -> str:
    """The media type of a ``data:`` URL, lower case ("text/plain" when none is given)."""
    header = url[5:].split(",", 1)[0]
    media_type = header.split(";", 1)[0].strip().lower()
    return media_type or "text/plain"


def _read_static_file(relative: str) -> bytes | None:
    """A static file by its URL path: from the source folders, or as collected (hashed names)."""
    try:
        path = finders.find(relative)
        if path:
            with open(path, "rb") as handle:
                return handle.read()
        if staticfiles_storage.exists(relative):
            with staticfiles_storage.open(relative) as handle:
                return handle.read()
    except (SuspiciousFileOperation, OSError, ValueError):
        return None
    return None


@dataclass(frozen=True)
class Anchor:
    """Where an element with an ``id`` landed: page index, top-left corner and size in points."""

    page: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class RenderedPdf:
    data: bytes
    pages: int
    anchors: dict[str, Anchor] = field(default_factory=dict)
    page_heights: list[float] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


_local = threading.local()


def _font_config() -> Any:
    """One font configuration per thread: @font-face files are decoded once, not per document."""
    if not hasattr(_local, "font_config"):
        from weasyprint.text.fonts import FontConfiguration

        _local.font_config = FontConfiguration()
    return _local.font_config


@dataclass(frozen=True)
class SignatureField:
    """An empty signature field (``/FT /Sig``) over the element with id ``anchor``."""

    name: str
    anchor: str


def render_pdf(
    template_name: str,
    context: dict[str, Any],
    *,
    signature_fields: tuple[SignatureField, ...] | list[SignatureField] = (),
) -> RenderedPdf:
    """Render a template to PDF, in German; the template sets title, author and language.

    ``signature_fields`` become empty, signable fields (PDF 1.7, § 12.7.4.5) laid over the
    elements they name, so that each party can sign electronically in a PDF reader.
    """
    weasyprint = _weasyprint()
    with translation.override("de"):
        html = render_to_string(template_name, {**context, "STATIC_ORIGIN": STATIC_ORIGIN})
    fetcher = static_url_fetcher_class()(timeout=5, allow_redirects=False)
    document = weasyprint.HTML(
        string=html, base_url=STATIC_ORIGIN + "/", url_fetcher=fetcher
    ).render(font_config=_font_config())
    anchors: dict[str, Anchor] = {}
    for index, page in enumerate(document.pages):
        for name, (x1, y1, x2, y2) in page.anchors.items():
            anchors.setdefault(
                name,
                Anchor(
                    index,
                    x1 * CSS_PX_TO_PT,
                    y1 * CSS_PX_TO_PT,
                    (x2 - x1) * CSS_PX_TO_PT,
                    (y2 - y1) * CSS_PX_TO_PT,
                ),
            )
    heights = [page.height * CSS_PX_TO_PT for page in document.pages]
    missing = [field.anchor for field in signature_fields if field.anchor not in anchors]
    if missing:
        raise ValueError(f"signature fields without an element in the document: {missing}")
    finisher = _signature_finisher(signature_fields, anchors, heights) if signature_fields else None
    return RenderedPdf(
        data=document.write_pdf(finisher=finisher),
        pages=len(document.pages),
        anchors=anchors,
        page_heights=heights,
    )


def _signature_finisher(
    fields: tuple[SignatureField, ...] | list[SignatureField],
    anchors: dict[str, Anchor],
    heights: list[float],
) -> Any:
    """Adds the fields while WeasyPrint writes the PDF: no second pass over the file."""
    import pydyf

    def finish(document: Any, pdf: Any) -> None:
        pages = [
            obj
            for obj in pdf.objects
            if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page"
        ]
        if "AcroForm" not in pdf.catalog:
            pdf.catalog["AcroForm"] = pydyf.Dictionary({"Fields": pydyf.Array()})
        for signature in fields:
            anchor = anchors[signature.anchor]
            page = pages[anchor.page]
            top = heights[anchor.page] - anchor.y
            widget = pydyf.Dictionary(
                {
                    "Type": "/Annot",
                    "Subtype": "/Widget",
                    "FT": "/Sig",
                    "T": pydyf.String(signature.name),
                    "F": 4,  # printable
                    "Rect": pydyf.Array(
                        [
                            round(anchor.x, 2),
                            round(top - anchor.height, 2),
                            round(anchor.x + anchor.width, 2),
                            round(top, 2),
                        ]
                    ),
                    "P": page.reference,
                }
            )
            pdf.add_object(widget)
            if "Annots" not in page:
                page["Annots"] = pydyf.Array()
            page["Annots"].append(widget.reference)
            pdf.catalog["AcroForm"]["Fields"].append(widget.reference)

    return finish


def short_fingerprint(sha256_hex: str) -> str:
    """The first 16 hex digits in groups of four, as printed: "1A2B 3C4D 5E6F 7A8B"."""
    head = sha256_hex[:16].upper()
    return " ".join(head[i : i + 4] for i in range(0, 16, 4))


def normalise_fingerprint(text: str) -> str:
    """What a person typed from a printed fingerprint, as lower-case hex without spaces."""
    return "".join(char for char in text.lower() if char in "0123456789abcdef")
