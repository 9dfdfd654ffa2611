#!/usr/bin/env python3
"""Refait tools/terreau/core/data/communes.tsv depuis la liste officielle des communes.

Usage: .venv/bin/python scripts/communes.py [--paquet DOSSIER]

Reads the npm package @etalab/decoupage-administratif (installed by `npm ci`: see
package.json, which pins its version) and writes one line per current commune: INSEE
code, official name, municipal population. To follow a new year's list, change the
version in package.json, run `npm install`, then this script, and commit the three files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "node_modules" / "@etalab" / "decoupage-administratif"
TARGET = ROOT / "tools" / "terreau" / "core" / "data" / "communes.tsv"
# The year of each package version's list (its README: « Millésimes et versions de package »).
YEARS = {"6.0.0": 2026}


def table(package: Path) -> str:
    """The file's text: a commented header (source, version, licence), then the communes."""
    version = json.loads((package / "package.json").read_text("utf-8"))["version"]
    if version not in YEARS:
        raise SystemExit(f"Version {version} du paquet : ajoutez son année à YEARS dans scripts/communes.py.")
    rows = json.loads((package / "data" / "communes.json").read_text("utf-8"))
    lines = [
        "# Communes de France (communes actuelles) : code INSEE, nom officiel, population municipale.",
        "# source: @etalab/decoupage-administratif",
        f"# version: {version}",
        f"# annee: {YEARS[version]}",
        "# origine: Code officiel géographique et populations légales de l'INSEE",
        "# licence: Licence Ouverte (Etalab)",
        "# Fichier produit par scripts/communes.py : ne pas le modifier à la main.",
    ]
    current = sorted((r for r in rows if r["type"] == "commune-actuelle"), key=lambda r: r["code"])
    for r in current:
        if "\t" in r["nom"] or "\n" in r["nom"]:
            raise ValueError(f"nom inattendu pour la commune {r['code']}")
        population = r.get("population")
        lines.append(f"{r['code']}\t{r['nom']}\t{'' if population is None else population}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT / "tools"))
    from terreau.cli import Parser  # French usage and errors, as the terreau command

    parser = Parser(description="Refait la liste des communes de Terreau depuis le paquet npm officiel.")
    parser.add_argument("--paquet", type=Path, default=PACKAGE, help="dossier du paquet npm")
    args = parser.parse_args(argv)
    if not (args.paquet / "data" / "communes.json").is_file():
        print(f"Paquet introuvable dans {args.paquet} : lancez d'abord « npm ci ».", file=sys.stderr)
        return 1
    TARGET.write_text(table(args.paquet), "utf-8")
    print(f"{TARGET.relative_to(ROOT)} écrit.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
