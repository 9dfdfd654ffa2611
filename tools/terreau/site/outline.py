"""The headings of an HTML fragment (h1 to h3, nested), for a page's table of contents."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Fragments made by Terreau's own templates: every heading a table of contents lists has an id.
_HEADING = re.compile(r"<h([1-3])\b[^>]*?\bid=\"([^\"]+)\"[^>]*>(.*?)</h\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Heading:
    level: int
    id: str
    title: str  # as HTML: text with its entities, without tags
    children: list[Heading] = field(default_factory=list)


def headings(html: str) -> list[Heading]:
    """The headings of ``html`` in order, each under the closest higher one before it."""
    found: list[Heading] = []
    open_: list[Heading] = []  # the current heading of each level above
    for match in _HEADING.finditer(html):
        level, anchor, inner = int(match.group(1)), match.group(2), match.group(3)
        heading = Heading(level, anchor, " ".join(_TAG.sub("", inner).split()))
        while open_ and open_[-1].level >= level:
            open_.pop()
        (open_[-1].children if open_ else found).append(heading)
        open_.append(heading)
    return found
