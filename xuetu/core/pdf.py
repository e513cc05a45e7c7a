"""PDF documents rendered from Django templates by WeasyPrint, with inline QR codes.

Every PDF template extends `pdf/base.html`, which sets A4 pages and the CJK font stack of
Debian's fonts-noto-cjk (installed system-wide; no font is bundled, no CDN). Rendering never
touches the network: government intranets are often offline, and a template that pointed at
a remote resource would otherwise stall on a timeout.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher

# Local files (base_url) and data: URIs only; http(s) and the rest are refused.
ALLOWED_PROTOCOLS = frozenset({"data", "file"})


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """The template rendered as PDF bytes. Relative URLs resolve against `base_url`."""
    html = render_to_string(template_name, context)
    fetcher = URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()


def qr_svg(data: str, *, scale: int = 4) -> SafeString:
    """A QR code for `data` as inline SVG markup, sized in CSS pixels (`scale` per module).

    The viewBox lets a stylesheet resize it (e.g. `.qr svg { width: 28mm; height: auto }`).
    """
    code = segno.make(data, error="m")
    # segno writes only geometry, never `data`, into the markup, so it is safe to inline.
    return mark_safe(code.svg_inline(scale=scale, border=2, unit="px"))


def absolute_url(path: str) -> str:
    """`path` (starting with "/") on the public site, e.g. for a QR code or a printed link."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")
