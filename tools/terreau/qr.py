"""QR codes for printed cards, as inline SVG (no image file, no request)."""

from __future__ import annotations

from functools import lru_cache

import segno


@lru_cache(maxsize=4096)
def svg(data: str, title: str) -> str:
    """An accessible SVG QR code for ``data``; ``title`` says where it leads."""
    code = segno.make(data, error="m", micro=False)
    return str(code.svg_inline(scale=2, border=2, title=title, svgclass="terreau-qr", lineclass=None))
