"""Make rendered contributor HTML inert: an allow-list sanitiser (nh3/ammonia) after Markdown."""

from __future__ import annotations

import re

import nh3

_TAGS = set(nh3.ALLOWED_TAGS) - {"map", "area"}
_ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES["*"] = {"id", "class", "title", "lang"}
_ATTRIBUTES["img"] = {"src", "alt", "width", "height"}
# Task lists (« - [ ] ») become printed boxes: a form control without a label would fail
# accessibility checks, and a box on paper is what a facilitator wants.
_CHECKBOX = re.compile(r"<input\b[^>]*\btype=[\"']?checkbox[^>]*>", re.IGNORECASE)


def _box(match: re.Match[str]) -> str:
    ticked = re.search(r"\bchecked\b", match.group(0), re.IGNORECASE)
    return f'<span class="case-a-cocher">{"☑" if ticked else "☐"}</span> '


# Identifiers and classes the site's own scripts and theme rely on: contributed HTML may not
# reuse them (an element with id="terreau-recherche" would hijack the search script, a
# class of the theme could overlay the page).
_RESERVED = ("terreau", "__", "md-", "md_")


def _keep(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and value.lower().startswith(_RESERVED):
        return None
    if attribute == "class":
        kept = [c for c in value.split() if not c.lower().startswith(_RESERVED)]
        return " ".join(kept) or None
    return value


_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags={"script", "style", "noscript", "template"},
    attributes=_ATTRIBUTES,
    attribute_filter=_keep,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def clean(html: str) -> str:
    """Remove scripts, event handlers, styles, frames, forms and unsafe URLs from ``html``."""
    return _CLEANER.clean(_CHECKBOX.sub(_box, html))
