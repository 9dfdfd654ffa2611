"""The starting exhibition's posters: the panels of one tool card, printed in A3 and in A1.

The panels are open content in docs/ (CARD): one section « ## Panneau N — title » each, with
labelled paragraphs (message, facts with their source, question to visitors, the « Chez nous »
hint, an optional axis). This module reads them, lays each one out on a page of its own, and
gives the PDF jobs (site/pdf.py) of both sizes, with their own stylesheet (assets/affiches.css,
the page size and type size set per format). The PDFs are made before the pages (SiteBuild.start)
so that the pages linking them can say their size; the PDF step then copies them from the cache.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import markdown
from markdown.extensions.toc import slugify
from markupsafe import Markup

from terreau.core.catalogue import Catalogue
from terreau.core.identity import identities
from terreau.site import address as published
from terreau.site import identity, qr
from terreau.site.render import size_label

if TYPE_CHECKING:
    from terreau.site import pdf

CARD = "panneaux-exposition-depart"


@dataclass(frozen=True)
class Format:
    name: str  # « A3 »: its @page size
    width: int  # mm, portrait
    height: int
    margin: int  # mm
    type_size: float  # pt: the body text; every other size is relative to it (rem)


# A1 is twice A3 in each direction: the same page, type twice as large (body 30 pt and
# titles 75 pt on A1, read from 2–3 m; A3, half of it, is read from a step away).
FORMATS = (Format("A3", 297, 420, 14, 15), Format("A1", 594, 841, 28, 30))


class PanelError(ValueError):
    """A panel of the card lacks a part; the message is French and names the panel."""


@dataclass(frozen=True)
class Fact:
    text: Markup
    source: Markup


@dataclass(frozen=True)
class Panel:
    number: int
    title: str
    anchor: str  # the id of its heading on the card's page
    message: Markup
    facts: tuple[Fact, ...]
    question: Markup
    local: Markup  # what the commune adds in the « Chez nous » box
    axis: str | None


_HEADING = re.compile(r"^## (Panneau \d+ — (.+?))\s*$")
_LABEL = re.compile(r"^\*\*([^*]+?) :\*\*\s*(.*)$", re.S)
_AXIS = re.compile(r"\(\.\./axes/([a-z0-9-]+)\.md\)")
_SOURCE = re.compile(r"^(.*?)\s*\*Source : (.+?)\*\s*$", re.S)


def _inline(text: str) -> Markup:
    """One paragraph of Markdown as inline HTML (emphasis, typography; links keep their text)."""
    html = markdown.markdown(" ".join(text.split()))
    html = re.sub(r"</?p>", "", html)
    return Markup(re.sub(r"<a [^>]*>(.*?)</a>", r"\1", html))


def panels(body: str) -> list[Panel]:
    """The panels of the card's text, in their order; PanelError if one lacks a part."""
    sections: list[tuple[str, str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("## "):
            match = _HEADING.match(line)
            sections.append((match.group(1), match.group(2), []) if match else ("", "", []))
        elif sections:
            sections[-1][2].append(line)
    found: list[Panel] = []
    for heading, title, lines in sections:
        if not heading:
            continue
        found.append(_panel(len(found) + 1, heading, title, "\n".join(lines)))
    if not found:
        raise PanelError(f"{CARD} : aucun panneau (sections « ## Panneau 1 — titre »).")
    return found


def _panel(number: int, heading: str, title: str, text: str) -> Panel:
    parts: dict[str, str] = {}
    facts: list[Fact] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        match = _LABEL.match(block.strip())
        if match:
            parts[match.group(1)] = match.group(2)
        elif block.lstrip().startswith("- "):
            for item in re.split(r"^- ", block.strip(), flags=re.M):
                if not item.strip():
                    continue
                source = _SOURCE.match(item.strip())
                if source is None:
                    raise PanelError(
                        f"{CARD}, « {heading} » : chaque repère finit par sa source, en "
                        "italique : « *Source : organisme, titre, année.* »."
                    )
                facts.append(Fact(_inline(source.group(1)), _inline(source.group(2))))
    missing = [name for name in ("Message", "Question aux visiteurs", "Chez nous") if not parts.get(name)]
    if missing or not facts:
        what = ", ".join(f"« {name} »" for name in missing + ([] if facts else ["Repères"]))
        raise PanelError(f"{CARD}, « {heading} » : il manque {what}.")
    axis = _AXIS.search(parts.get("Axe", ""))
    return Panel(
        number=number,
        title=title,
        anchor=slugify(heading, "-"),
        message=_inline(parts["Message"]),
        facts=tuple(facts),
        question=_inline(parts["Question aux visiteurs"]),
        local=_inline(parts["Chez nous"]),
        axis=axis.group(1) if axis else None,
    )


def file_name(fmt: Format) -> str:
    return f"{CARD}-{fmt.name.lower()}.pdf"


def stylesheet(fmt: Format, env: jinja2.Environment) -> str:
    """affiches.css, preceded by the format's page and type size, closed by the axes' colours."""
    from terreau.site import pdf  # WeasyPrint: only when PDFs are made

    page = (
        f"@page {{ size: {fmt.name} portrait; margin: {fmt.margin}mm; }}\n"
        f"html {{ font-size: {fmt.type_size}pt; }}\n"
        f".affiche {{ height: {fmt.height - 2 * fmt.margin}mm; }}\n"
    )
    return page + pdf.stylesheet("affiches.css", env)


def jobs(catalogue: Catalogue, site_dir: Path, site_url: str, env: jinja2.Environment) -> list[pdf.Job]:
    """The posters' PDF jobs, one per format; none if the catalogue has no panels card.
    ``site_url``: the published address (or pdf.PLACEHOLDER), ending with « / »."""
    from terreau.site import pdf  # WeasyPrint: only when PDFs are made

    card = catalogue.cards.get(CARD)
    if card is None:
        return []
    folder = posixpath.dirname(card.url)
    page_url = site_url + card.url
    real = published.is_real(site_url)
    views = []
    for panel in panels(card.body):
        axis = catalogue.cards.get(panel.axis) if panel.axis else None
        address = f"{page_url}#{panel.anchor}"
        views.append(
            {
                "panel": panel,
                "axis_id": panel.axis or "",
                "axis_label": axis.meta.titre if axis is not None else "Exposition de départ",
                "icon": identity.icon(identities().of(panel.axis or "").icone),
                "address": address if real else "",
                "qr": qr.svg(address, f"Code QR vers le panneau {panel.number} en ligne") if real else "",
            }
        )
    template = env.get_template("affiches.html")
    found = []
    for fmt in FORMATS:
        html = template.render(title=card.meta.titre, format=fmt.name, panels=views)
        target = site_dir / folder / file_name(fmt)
        found.append(pdf.Job(target, html, f"{site_url}{folder}/", css=stylesheet(fmt, env)))
    return found


def downloads(site_dir: Path, prepared: list[pdf.Job], cached: list[Path]) -> list[dict[str, str]]:
    """What a page says of the posters: the file (its path in the site), the format, the size."""
    if not prepared:  # no panels card in this commons
        return []
    return [
        {
            "url": job.target.relative_to(site_dir).as_posix(),
            "format": fmt.name,
            "taille": size_label(path.stat().st_size),
        }
        for fmt, job, path in zip(FORMATS, prepared, cached, strict=True)
    ]
