"""Shared fixtures: the real site built once, served on 127.0.0.1, and Debian's chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


# PDFs made by one test can serve the next (same content, same PDF): one cache per session,
# outside the repository. A test that counts what the cache holds gives its own.
SESSION_CACHE = Path(tempfile.mkdtemp(prefix="terreau-tests-cache-"))


# A published address as a real one would be (mkdocs.yml's default is a placeholder, which
# printed cards never show): the session site is built for it, so its PDFs carry QR codes.
PUBLISHED = "https://terreau.exemple.fr/"


def build_site(
    docs_dir: Path,
    site_dir: Path,
    pdf: bool = False,
    cache: Path | None = None,
    site_url: str | None = None,
    publication: bool = True,
    **options: object,
) -> None:
    """A real `mkdocs build` of the project's mkdocs.yml on ``docs_dir``.

    PDFs take time: only the builds that check them make them (``pdf=True``). The settings
    go to this build's configuration: no environment variable is changed for other tests.
    ``site_url``: the published address (default: mkdocs.yml's, a placeholder); ``publication``:
    with the offline archive (and the PDFs when ``pdf``), as published; ``options``:
    other settings of the plugin (``contact=``, ``reponse=``…).
    """
    config = load_config(config_file=str(ROOT / "mkdocs.yml"), docs_dir=str(docs_dir), site_dir=str(site_dir))
    if site_url is not None:
        config.site_url = site_url
    terreau = config.plugins["terreau"].config  # type: ignore[attr-defined]
    terreau.pdf = pdf
    terreau.publication = publication
    terreau.cache = str(cache or SESSION_CACHE)
    for name, value in options.items():
        setattr(terreau, name, value)
    build(config)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped docs/ built for real by `terreau construire` for a real address
    (``PUBLISHED``), with its PDFs, once per test
    session, in a process of its own: as on the command line, the derived files are made by a
    forked child while pages render (this test process runs threads, where Terreau does not
    fork). A test builds again in this process, without the child, and compares the bytes."""
    out = tmp_path_factory.mktemp("site")
    command = [
        str(Path(sys.executable).parent / "terreau"),
        "construire",
        "--publication",
        "--config",
        str(ROOT / "mkdocs.yml"),
    ]
    command += ["--docs", str(ROOT / "docs"), "--dossier", str(out)]
    env = {**os.environ, "TERREAU_CACHE": str(SESSION_CACHE), "TERREAU_ADRESSE": PUBLISHED}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-4000:]
    return out


def open_page(page, url: str) -> None:  # type: ignore[no-untyped-def]
    """Open a page and wait until its script has drawn what a visitor sees."""
    page.goto(url)
    if "recherche.html" in url:
        page.wait_for_selector("form[data-pret='oui']")
    if "kit.html" in url:
        page.wait_for_selector("#terreau-kit[data-pret='oui']")
    if "raconter.html" in url:
        page.wait_for_selector("#terreau-raconter[data-pret='oui']")
    if "situation=" in url:
        page.wait_for_selector("#terreau-conseils li")


def page_types(*extra: tuple[str, str]) -> dict[str, str]:
    """One page of every type a visitor meets, by name (and ``extra`` pages a test adds)."""
    from terreau.core.catalogue import build as build_catalogue

    catalogue = build_catalogue(ROOT / "docs")
    pages = {
        "accueil": "index.html",
        "recherche": "recherche.html?q=energie",
        "liste": "methodes/index.html",
        "axes": "axes/index.html",
        "contribuer": "contribuer.html",
        "reference": "contribuer/reference.html",
        "accessibilite": "accessibilite.html",
        "accueil-reponse": "index.html?situation=factures-energie",
        "situation": "trouver/factures-energie.html",
        "carte": "retours/index.html",
        "apropos": "resilience.html",
        "kit": "kit.html?fiches=enquete-collective,world-cafe",
        "raconter": "raconter.html?fiche=enquete-collective",
        **dict(extra),
    }
    for kind in ("methode", "outil", "action", "retour", "parcours", "axe"):
        cards = catalogue.of_kind(kind)
        if cards:
            pages[f"fiche-{kind}"] = cards[0].url
    return pages


@pytest.fixture
def docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped docs/ in a temporary folder, which is also the working directory."""
    target = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", target)
    monkeypatch.chdir(tmp_path)
    return target


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """The built site over HTTP on 127.0.0.1 (a free port)."""
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium driven by Playwright; never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} est introuvable : lancez ./scripts/tester, qui l'installe.")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(locale="fr-FR")  # type: ignore[attr-defined]
    pg = context.new_page()
    yield pg
    context.close()
