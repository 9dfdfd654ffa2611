"""The map of field experiences: feedback records placed by département, from INSEE codes."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from terreau.core.catalogue import Catalogue
from terreau.core.communes import departement_of as departement_of
from terreau.core.communes import departements_of
from terreau.core.loader import Card
from terreau.core.models import Retour

WIDTH, HEIGHT = 600, 560
# Metropolitan France and Corsica, in degrees.
WEST, EAST, SOUTH, NORTH = -5.3, 9.8, 41.2, 51.3


@cache
def departements() -> dict[str, dict[str, Any]]:
    text = resources.files("terreau.core").joinpath("data/departements.json").read_text("utf-8")
    return dict(json.loads(text)["departements"])


@cache
def outline() -> str:
    """France's outline (metropolitan and Corsica) as an SVG path, in the map's projection
    (data/france.json, from Natural Earth: scripts/donnees_geo.py)."""
    text = resources.files("terreau.core").joinpath("data/france.json").read_text("utf-8")
    paths = []
    for ring in json.loads(text)["anneaux"]:
        points = [project(lat, lon) for lon, lat in ring]
        paths.append("M" + "L".join(f"{x:g} {y:g}" for x, y in points) + "Z")
    return "".join(paths)


def project(lat: float, lon: float) -> tuple[float, float]:
    """Equirectangular, with longitudes shrunk by the cosine of France's mean latitude."""
    k = math.cos(math.radians(46.5))
    scale = min(WIDTH / ((EAST - WEST) * k), HEIGHT / (NORTH - SOUTH))
    return round((lon - WEST) * k * scale, 1), round((NORTH - lat) * scale, 1)


@dataclass
class Place:
    code: str
    nom: str
    records: list[Card[Retour]] = field(default_factory=list)
    x: float | None = None
    y: float | None = None


def places(catalogue: Catalogue) -> tuple[list[Place], list[Card[Retour]]]:
    """Every département (with the records whose communes lie there), and records without one."""
    known = departements()
    found = {code: Place(code, d["nom"]) for code, d in known.items()}
    for code, d in known.items():
        if "lat" in d:
            found[code].x, found[code].y = project(d["lat"], d["lon"])
    unplaced: list[Card[Retour]] = []
    for record in catalogue.of_model(Retour):
        codes = departements_of(record.meta.lieu.communes)
        for code in codes:
            if code in found:
                found[code].records.append(record)
        if not codes:
            unplaced.append(record)
    return sorted(found.values(), key=lambda p: p.code), unplaced
