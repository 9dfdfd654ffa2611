"""The glossary (core/data/glossaire.yml): its entries, and the link put on the first
occurrence of each word in a page's rendered HTML.

The HTML is the sanitiser's output. It is split into tags, comments and text; only text
outside links, headings, code and form labels is searched, and everything else is kept
byte for byte.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from importlib import resources

import yaml

PAGE = "glossaire.html"
# Elements whose text never gets a link: a link in a link is invalid, a heading or code
# keeps its own meaning.
_SKIP = {
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "code",
    "pre",
    "kbd",
    "samp",
    "script",
    "style",
    "textarea",
    "button",
    "label",
    "select",
    "option",
    "svg",
    "math",
    "title",
}
# A tag (quoted attribute values may hold « > »), a comment, or a doctype/processing mark.
_MARKUP = re.compile(r"<!--.*?-->|<[a-zA-Z/!?](?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.DOTALL)
_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")


@dataclass(frozen=True)
class Term:
    term: str
    anchor: str
    forms: tuple[str, ...]
    definition: str


@functools.cache
def terms() -> tuple[Term, ...]:
    text = resources.files("terreau.core").joinpath("data/glossaire.yml").read_text("utf-8")
    return tuple(
        Term(t["terme"], t["ancre"], tuple(t["formes"]), " ".join(t["definition"].split()))
        for t in yaml.safe_load(text)["termes"]
    )


def _form(form: str) -> str:
    parts = []
    for char in form:
        if char == " ":
            parts.append(r"(?:\s|&nbsp;|\xa0)+")
        elif char in "'’":
            parts.append(r"(?:'|’|&#39;|&#x27;|&rsquo;)")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


@functools.cache
def _pattern() -> re.Pattern[str]:
    """Every form of every term, longest first (« fiches outils » before « fiche »), each a
    named group per term; whole words only, case-insensitive, accents exact."""
    alternatives = []
    for index, term in enumerate(terms()):
        forms = sorted(term.forms, key=len, reverse=True)
        alternatives.append(f"(?P<t{index}>" + "|".join(_form(f) for f in forms) + ")")
    return re.compile(r"(?<![\w&-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)


def link(html: str, page_url: str) -> str:
    """``html`` with the first occurrence of each glossary word linked to its entry
    (relative to ``page_url``, a site-relative file URL); nothing else changes."""
    href = posixpath.relpath(PAGE, posixpath.dirname(page_url) or ".")
    pattern = _pattern()
    found: set[int] = set()
    skip: list[str] = []
    out: list[str] = []
    position = 0

    def text(segment: str) -> str:
        if skip or len(found) == len(terms()):
            return segment

        def replace(match: re.Match[str]) -> str:
            index = int(next(k for k, v in match.groupdict().items() if v is not None)[1:])
            if index in found:
                return match.group(0)
            found.add(index)
            return f'<a class="terreau-glossaire" href="{href}#{terms()[index].anchor}">{match.group(0)}</a>'

        return pattern.sub(replace, segment)

    for markup in _MARKUP.finditer(html):
        out.append(text(html[position : markup.start()]))
        tag = markup.group(0)
        out.append(tag)
        position = markup.end()
        name = _NAME.match(tag)
        if name is None or tag.endswith("/>"):
            continue
        element = name.group(1).lower()
        if element not in _SKIP:
            continue
        if tag.startswith("</"):
            if element in skip:  # close up to the matching element
                del skip[len(skip) - 1 - skip[::-1].index(element) :]
        else:
            skip.append(element)
    out.append(text(html[position:]))
    return "".join(out)
