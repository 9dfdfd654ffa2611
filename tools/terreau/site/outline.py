"""The headings of an HTML fragment (h2, with their h3), for a page's table of contents."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Fragments made by Terreau's own templates: every heading a table of contents lists has an id.
_HEADING = re.compile(r"<h([23])\b[^>]*?\bid=\"([^\"]+)\"[^>]*>(.*?)</h\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Heading:
    level: int
    id: str
    title: str  # as HTML: text with its entities, without tags
    children: list[Heading] = field(default_factory=list)


def headings(html: str) -> list[Heading]:
    """The h2 of ``html`` in order, each with the h3 that follow it (an h3 before any h2 is
    listed on its own)."""
    found: list[Heading] = []
    for match in _HEADING.finditer(html):
        level, anchor, inner = int(match.group(1)), match.group(2), match.group(3)
        heading = Heading(level, anchor, " ".join(_TAG.sub("", inner).split()))
        if level == 3 and found and found[-1].level == 2:
            found[-1].children.append(heading)
        else:
            found.append(heading)
    return found
