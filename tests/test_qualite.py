"""Quality gates in Debian's chromium: accessibility (axe-core), keyboard, privacy, file://, CSP."""

from __future__ import annotations

import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import ROOT, open_page, page_types

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


PAGES = page_types()


@pytest.fixture
def axe_page(browser):  # type: ignore[no-untyped-def]
    # axe is injected as an inline script: only the test's own context may bypass the CSP.
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_axe_finds_no_wcag_a_or_aa_violation(name: str, server: str, axe_page) -> None:  # type: ignore[no-untyped-def]
    open_page(axe_page, server + PAGES[name])
    axe_page.add_script_tag(path=str(AXE))
    result = axe_page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == [], violations
    assert len(result["passes"]) > 10  # axe really ran


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_requests_nothing_from_another_host(name: str, server: str, page) -> None:  # type: ignore[no-untyped-def]
    hosts: set[str | None] = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).hostname))
    open_page(page, server + PAGES[name])
    page.wait_for_load_state("networkidle")
    assert hosts == {"127.0.0.1"}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_is_french_with_a_proper_heading_outline(name: str, server: str, page) -> None:  # type: ignore[no-untyped-def]
    open_page(page, server + PAGES[name])
    assert page.locator("html").get_attribute("lang") == "fr"
    levels = page.evaluate(
        "() => [...document.querySelectorAll('article h1, article h2, article h3, article h4, "
        "article h5, article h6')].map(h => Number(h.tagName[1]))"
    )
    assert levels[0] == 1 and levels.count(1) == 1, levels
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels


def focus_ring(page) -> dict:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return {id: document.activeElement.id, tag: document.activeElement.tagName,"
        " style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"
    )


def tab_to(page, predicate: str, limit: int = 60) -> dict:  # type: ignore[no-untyped-def]
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return {predicate}; }}"):
            return focus_ring(page)
    raise AssertionError(f"impossible d'atteindre {predicate} au clavier")


def test_search_works_with_the_keyboard_alone(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "recherche.html")
    page.wait_for_selector("form[data-pret='oui']")
    ring = tab_to(page, "e.id === 'terreau-recherche-champ'")
    assert ring["style"] != "none" and ring["width"] >= 2, ring
    page.keyboard.type("energie")
    page.wait_for_function(
        "() => document.getElementById('terreau-recherche-etat').textContent.includes('« energie »')"
    )
    ring = tab_to(page, "e.closest('#terreau-recherche-resultats') !== null")
    assert ring["tag"] == "A" and ring["style"] != "none" and ring["width"] >= 2, ring
    page.keyboard.press("Enter")
    page.wait_for_url("**/actions/*.html")


def test_header_search_works_with_the_keyboard_alone(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "methodes/enquete-collective.html")
    ring = tab_to(page, "e.id === 'terreau-entete-q'")
    assert ring["style"] != "none" and ring["width"] >= 2, ring
    page.keyboard.type("alimentaire")
    page.keyboard.press("Enter")
    page.wait_for_url("**/recherche.html?q=alimentaire")
    page.wait_for_selector("#terreau-recherche-resultats li a")


def test_site_works_from_a_folder_over_file(site: Path, page) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((site / "index.html").as_uri())
    page.get_by_role("link", name="Toutes les méthodes").click()
    page.get_by_role("link", name="Enquête collective", exact=True).first.click()
    assert page.locator("h1").inner_text() == "Enquête collective"
    page.get_by_role("searchbox", name="Rechercher une fiche").fill("energie")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('terreau-recherche-etat').textContent.includes('« energie »')"
    )
    first = page.locator("#terreau-recherche-resultats li a").first
    title = first.inner_text()
    assert "énergie" in title.lower()
    first.click()
    assert page.url.startswith("file://") and page.url.endswith(".html")
    assert page.locator("h1").inner_text() == title
    assert errors == []


def test_content_security_policy_blocks_inline_scripts(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "methodes/enquete-collective.html")
    policy = page.locator("meta[http-equiv='Content-Security-Policy']").get_attribute("content")
    assert "script-src 'self' file:;" in policy
    ran = page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__inline_ran = true'; document.body.appendChild(s);"
        " return window.__inline_ran === true; }"
    )
    assert ran is False
    assert page.evaluate("() => typeof window.__md_get") == "function"  # the theme's own script


def test_the_offline_archive_works_from_a_folder(site: Path, tmp_path: Path, page) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(site / "terreau-hors-ligne.zip") as archive:
        assert all(name.startswith("terreau/") for name in archive.namelist())
        archive.extractall(tmp_path)
    root = tmp_path / "terreau"
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).scheme))
    page.goto((root / "index.html").as_uri())
    page.get_by_role("link", name="Toutes les fiches outils, à imprimer").click()
    page.get_by_role("link", name="Guide d'entretien semi-directif").click()
    assert page.locator("h1").inner_text() == "Guide d'entretien semi-directif"
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    page.emulate_media(media="screen")
    page.get_by_role("searchbox", name="Rechercher une fiche").fill("jardin")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('terreau-recherche-etat').textContent.includes('« jardin »')"
    )
    results = page.locator("#terreau-recherche-resultats li a").all_inner_texts()
    assert "Créer des jardins partagés et des potagers scolaires" in results[:3]
    assert hosts == {"file"}


def test_the_offline_archive_holds_every_file_of_the_site_as_written(site: Path) -> None:
    """The zip is written while the site builds: it must still hold the final bytes."""
    with zipfile.ZipFile(site / "terreau-hors-ligne.zip") as archive:
        assert archive.testzip() is None
        members = {name.removeprefix("terreau/"): archive.read(name) for name in archive.namelist()}
    files = {
        p.relative_to(site).as_posix(): p
        for p in site.rglob("*")
        if p.is_file() and not (p.parent == site and p.suffix == ".zip") and p.suffix != ".map"
    }
    assert sorted(members) == sorted(files)
    # The page listing the archives gets their sizes once they are written: the archive keeps
    # it as written, saying where to download them.
    changed = [rel for rel, path in files.items() if path.read_bytes() != members[rel]]
    assert changed == ["hors-ligne.html"]
    assert "Vous consultez une copie hors ligne" in members["hors-ligne.html"].decode("utf-8")
    assert any(rel.endswith(".pdf") for rel in members)
