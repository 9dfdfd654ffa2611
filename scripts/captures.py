#!/usr/bin/env python3
"""Enregistre des captures d'écran d'un site déjà construit, sur téléphone et sur ordinateur.

Usage: .venv/bin/python scripts/captures.py [SITE] [--sortie DOSSIER]

Serves the built site folder (default `site`) on 127.0.0.1 and saves PNG screenshots of the
home page (and its answer to « Nos factures d'énergie explosent »), a card, a listing, the
search page (with a query) and a kit at 360×740 and 1280×800, in Debian's chromium driven
by Playwright. It builds nothing itself.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SIZES = {"telephone": (360, 740), "ordinateur": (1280, 800)}
# name -> (address in the site, selector the page shows once its script has run, or "")
PAGES = {
    "accueil": ("index.html", ""),
    "accueil-reponse": ("index.html?situation=factures-energie", "#terreau-conseils li"),
    "fiche": ("methodes/enquete-collective.html", ""),
    "liste": ("methodes/index.html", ""),
    "recherche": ("recherche.html?q=energie", "form[data-pret='oui']"),
    "kit": ("kit.html?fiches=enquete-collective,world-cafe", "#terreau-kit[data-pret='oui']"),
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """The folder over HTTP on 127.0.0.1, on a free port."""
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


def capture(site: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for size_name, (width, height) in SIZES.items():
                context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
                page = context.new_page()
                for name, (address, ready) in PAGES.items():
                    page.goto(base + address)
                    if ready:
                        page.wait_for_selector(ready)
                    target = out / f"{name}-{size_name}-{width}.png"
                    page.screenshot(path=str(target))
                    written.append(target)
                context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    from terreau.cli import Parser  # French usage and errors, as the terreau command

    parser = Parser(
        prog="captures.py",
        description=(
            "Enregistre des captures d'écran (PNG) d'un site déjà construit : accueil, une fiche, "
            "une liste, la recherche et un kit, en 360×740 (téléphone) et 1280×800 (ordinateur). "
            "Le site est servi sur 127.0.0.1 et photographié dans Chromium (Debian)."
        ),
    )
    parser.add_argument(
        "site", nargs="?", type=Path, default=Path("site"), help="dossier du site construit (défaut : site)"
    )
    parser.add_argument(
        "--sortie",
        type=Path,
        default=Path("captures"),
        help="dossier où enregistrer les captures (défaut : captures)",
    )
    args = parser.parse_args(argv)
    missing = [address for address, _ in PAGES.values() if not (args.site / address.split("?")[0]).is_file()]
    if missing:
        absent = ", ".join(missing)
        print(f"{args.site} ne contient pas {absent} : construisez d'abord le site.", file=sys.stderr)
        return 1
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} est introuvable : installez le paquet Debian chromium.", file=sys.stderr)
        return 1
    for path in capture(args.site, args.sortie):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
