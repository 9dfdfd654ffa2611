#!/usr/bin/env python3
"""Refait les données géographiques de Terreau depuis leurs paquets npm officiels.

Usage: .venv/bin/python scripts/donnees_geo.py

Reads two npm packages installed by `npm ci` (package.json pins their versions) and writes
into tools/terreau/core/data/:

- communes.tsv, from @etalab/decoupage-administratif (INSEE's Code officiel géographique and
  legal populations, Licence Ouverte): one line per current commune, INSEE code, official
  name, municipal population;
- france.json, from world-atlas (Natural Earth's 1:50m country boundaries, public domain):
  the outline of metropolitan France and Corsica, for the map of field experiences.

To follow a new year's list, change the version in package.json, run `npm install`, then
this script, and commit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
PACKAGE = MODULES / "@etalab" / "decoupage-administratif"
ATLAS = MODULES / "world-atlas"
DATA = ROOT / "tools" / "terreau" / "core" / "data"
# The year of each package version's list (its README: « Millésimes et versions de package »).
YEARS = {"6.0.0": 2026}
# Metropolitan France and Corsica, in degrees (as terreau/derive/places.py draws them).
WEST, EAST, SOUTH, NORTH = -5.3, 9.8, 41.2, 51.3
FRANCE = "250"  # ISO 3166-1 numeric code, Natural Earth's id


def table(package: Path) -> str:
    """communes.tsv: a commented header (source, version, licence), then the communes."""
    version = json.loads((package / "package.json").read_text("utf-8"))["version"]
    if version not in YEARS:
        raise SystemExit(f"Version {version} du paquet : ajoutez son année à YEARS (scripts/donnees_geo.py).")
    rows = json.loads((package / "data" / "communes.json").read_text("utf-8"))
    lines = [
        "# Communes de France (communes actuelles) — code INSEE, nom officiel, population municipale.",
        "# source: @etalab/decoupage-administratif",
        f"# version: {version}",
        f"# annee: {YEARS[version]}",
        "# origine: Code officiel géographique et populations légales de l'INSEE",
        "# licence: Licence Ouverte (Etalab)",
        "# Fichier produit par scripts/donnees_geo.py : ne pas le modifier à la main.",
    ]
    current = sorted((r for r in rows if r["type"] == "commune-actuelle"), key=lambda r: r["code"])
    for r in current:
        if "\t" in r["nom"] or "\n" in r["nom"]:
            raise ValueError(f"nom inattendu pour la commune {r['code']}")
        population = r.get("population")
        lines.append(f"{r['code']}\t{r['nom']}\t{'' if population is None else population}")
    return "\n".join(lines) + "\n"


def outline(atlas: Path) -> str:
    """france.json: the rings of France's outline that lie on the map, in degrees (two
    decimals, about 1 km: plenty for a map 600 pixels wide), points closer than 0.03° dropped."""
    topo = json.loads((atlas / "countries-50m.json").read_text("utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:  # quantized and delta-encoded (TopoJSON)
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for i in indexes:
            part = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(part[1:] if points else part)
        return points

    (country,) = [g for g in topo["objects"]["countries"]["geometries"] if g.get("id") == FRANCE]
    rings = []
    for polygon in country["arcs"]:
        outer = ring(polygon[0])
        if not all(WEST <= lon <= EAST and SOUTH <= lat <= NORTH for lon, lat in outer):
            continue  # overseas: not on this map
        kept = [outer[0]]
        for lon, lat in outer[1:]:
            if abs(lon - kept[-1][0]) + abs(lat - kept[-1][1]) >= 0.03:
                kept.append((lon, lat))
        if len(kept) >= 4:
            rings.append([[round(lon, 2), round(lat, 2)] for lon, lat in kept])
    version = json.loads((atlas / "package.json").read_text("utf-8"))["version"]
    data = {
        "source": f"world-atlas {version}, d'après Natural Earth (domaine public), frontières 1:50m",
        "anneaux": rings,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT / "tools"))
    from terreau.cli import Parser  # French usage and errors, as the terreau command

    parser = Parser(description="Refait la liste des communes et le contour de la France (paquets npm).")
    parser.parse_args(argv)
    for needed in (PACKAGE / "data" / "communes.json", ATLAS / "countries-50m.json"):
        if not needed.is_file():
            print(f"{needed} introuvable : lancez d'abord « npm ci ».", file=sys.stderr)
            return 1
    (DATA / "communes.tsv").write_text(table(PACKAGE), "utf-8")
    (DATA / "france.json").write_text(outline(ATLAS), "utf-8")
    print("tools/terreau/core/data/communes.tsv et france.json écrits.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
