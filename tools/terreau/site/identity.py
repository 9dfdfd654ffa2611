"""The axes' identity on the site: their icons, inlined in pages, and their colour classes.

Icons are small (200–400 bytes): inlined where a chip is drawn, they cost no request and
print with the page. The colour classes are generated from core/data/identite.yml at every
build and appended to terreau.css and to the PDFs' stylesheet, so they never drift from it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from importlib import resources

import jinja2
from markupsafe import Markup

from terreau.core.identity import identities

ICONS = "assets/axes"


@dataclass(frozen=True)
class Icon:
    attributes: list[tuple[str, str]]  # the file's <svg> attributes, but its namespace
    body: Markup  # what the file draws, as written in it


@cache
def icon(name: str) -> Icon:
    """An icon of assets/axes/, ready to inline; the default axis icon if ``name`` has no file."""
    folder = resources.files("terreau.site").joinpath(ICONS)
    path = folder.joinpath(f"{name}.svg")
    if not path.is_file():
        path = folder.joinpath(f"{identities().default.icone}.svg")
    text = path.read_text("utf-8").strip()
    root = ET.fromstring(text)
    body = text[text.index(">") + 1 : text.rindex("</svg>")]
    return Icon(sorted(root.attrib.items()), Markup(body))


def stylesheet(env: jinja2.Environment) -> str:
    """The colour classes: ``terreau-axe`` (the default) and one ``terreau-axe--<id>`` per axis."""
    data = identities()
    return env.get_template("axes.css").render(default=data.default, axes=data.axes)
