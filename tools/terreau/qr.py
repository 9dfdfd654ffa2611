"""QR codes for printed cards, as inline SVG (no image file, no request).

Encoding a code takes about a millisecond in pure Python: over thousands of cards, pages
carry a mark (``mark``) while they render, the codes are encoded meanwhile in the child
process that writes the search data (derived.py), and ``fill`` puts them in place.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

import segno

_MARK = re.compile(r"<!--terreau-qr:([0-9a-f]{24})-->")


@lru_cache(maxsize=4096)
def svg(data: str, title: str) -> str:
    """An accessible SVG QR code for ``data``; ``title`` says where it leads."""
    # A fixed mask: choosing the best of eight took 80 % of the time, for codes that scan
    # either way (medium error correction).
    code = segno.make(data, error="m", micro=False, mask=0)
    return str(code.svg_inline(scale=2, border=2, title=title, svgclass="terreau-qr", lineclass=None))


def key(data: str, title: str) -> str:
    return hashlib.sha256(f"{data}\n{title}".encode()).hexdigest()[:24]


def mark(data: str, title: str) -> str:
    """Where the code for ``data`` goes, as an HTML comment ``fill`` replaces."""
    return f"<!--terreau-qr:{key(data, title)}-->"


def table(wanted: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The codes for (data, title) pairs, by key."""
    return {key(data, title): svg(data, title) for data, title in dict.fromkeys(wanted)}


def fill(html: str, codes: Mapping[str, str], wanted: Mapping[str, tuple[str, str]]) -> str:
    """Replace the marks in ``html`` with their codes (encoded here if ``codes`` lacks one).

    Card text never carries a mark (the sanitizer drops comments); a mark of unknown key is
    left out."""

    def code(found: re.Match[str]) -> str:
        k = found.group(1)
        if k in codes:
            return codes[k]
        return svg(*wanted[k]) if k in wanted else ""

    return _MARK.sub(code, html)
