"""QR codes for printed cards, as inline SVG (no image file, no request)."""

from __future__ import annotations

from functools import cache

import segno


@cache  # one code per card: `mkdocs serve` keeps them between rebuilds
def svg(data: str, title: str) -> str:
    """An accessible SVG QR code for ``data``; ``title`` says where it leads."""
    # A fixed mask: choosing the best of eight took 80 % of the time, for codes that scan
    # either way (medium error correction).
    code = segno.make(data, error="m", micro=False, mask=0)
    return str(code.svg_inline(scale=2, border=2, title=title, svgclass="terreau-qr", lineclass=None))
