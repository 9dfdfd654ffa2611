#!/usr/bin/env python3
"""Scores Lighthouse et poids de première visite des pages d'un site déjà construit.

Usage: .venv/bin/python scripts/lighthouse.py [SITE]

Runs Lighthouse (mobile: simulated slow 4G, 4x CPU; installed by npm into .cache/banc on
first use) on the home page, a card, a listing and the search page of a built site (default
`site`), and measures each page's first-visit weight: every byte the browser downloads with
an empty cache until the network is idle, gzip-compressed as static hosts serve it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import BROWSER_ARGS, gz, lighthouse_scores, served  # noqa: E402

PAGES = {
    "accueil": "index.html",
    "fiche": "methodes/enquete-collective.html",
    "liste": "actions/index.html",
    "recherche": "recherche.html?q=energie",
}


def first_visit_kb(site: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    weights = {}
    with served(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        for name, path in PAGES.items():
            context = browser.new_context(viewport={"width": 360, "height": 740})
            page = context.new_page()
            sizes: list[int] = []
            page.on("response", lambda r, sizes=sizes: sizes.append(gz(r.body())) if r.ok else None)
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            weights[name] = round(sum(sizes) / 1024, 1)
            context.close()
        browser.close()
    return weights


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    from terreau.cli import Parser

    parser = Parser(description="Scores Lighthouse et poids de première visite des pages d'un site.")
    parser.add_argument("site", nargs="?", type=Path, default=Path("site"), help="dossier du site construit")
    args = parser.parse_args()
    weights = first_visit_kb(args.site)
    scores = lighthouse_scores(args.site, PAGES)
    print("| Page | Performance | Accessibilité | Première visite (Ko gzip) |")
    print("|---|---:|---:|---:|")
    for name in PAGES:
        perf = scores[f"lighthouse_{name}_performance"]
        access = scores[f"lighthouse_{name}_accessibility"]
        print(f"| {name} | {perf:.2f} | {access:.2f} | {weights[name]} |")


if __name__ == "__main__":
    main()
