"""The offline archives (issue 18): besides the whole site, one per axis and one per kind of
card, each a small site that works from a folder, listed with its size on « Emporter le
commun hors ligne »."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlparse

from conftest import PUBLISHED, ROOT
from terreau.core.catalogue import build, points_to
from terreau.core.models import Action
from terreau.site import archive, offline
from terreau.site.render import size_label

AXES = ("autonomie-solidarite", "resilience-alimentaire", "resilience-economique", "resilience-energetique",
        "resilience-sanitaire")  # fmt: skip
KINDS = ("methodes", "outils", "actions", "retours", "parcours")
LINKS = re.compile(r'(?:href|src|action)="([^"]*)"')
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def test_a_part_keeps_its_own_links_and_sends_the_others_to_its_page_not_in_this_archive() -> None:
    part = archive.Part("p.zip", "p", ("actions/a.html", "glossaire.html"), {})
    page = (
        '<a href="a.html#etapes">a</a> <a href="b.html">b</a> <a href="../glossaire.html#maturite">g</a>'
        '<a href="../index.html">sommaire</a> <a href="#haut">haut</a> <a href="https://exemple.fr/b.html">x</a>'
        '<link href="../assets/terreau/terreau.css"> <script src="../assets/terreau/recherche/a.js">'
        '<form action="../recherche.html"> <a href="../raconter.html?fiche=a">raconter</a>'
        '<a href="../kit.html">kit</a>'
    )
    assert archive.relink(page, "actions/a.html", part) == (
        '<a href="a.html#etapes">a</a> <a href="../hors-archive.html">b</a> '
        '<a href="../glossaire.html#maturite">g</a>'
        '<a href="../index.html">sommaire</a> <a href="#haut">haut</a> <a href="https://exemple.fr/b.html">x</a>'
        '<link href="../assets/terreau/terreau.css"> <script src="../hors-archive.html">'
        '<form action="../hors-archive.html"> <a href="../hors-archive.html">raconter</a>'
        '<a href="../kit.html">kit</a>'  # the part's own page saying where the kit is
    )


def test_every_archive_is_listed_with_its_size_and_the_footer_leads_there(site: Path) -> None:
    zips = {p.name for p in site.glob("*.zip")}
    assert zips == {archive.NAME} | {f"terreau-{name}.zip" for name in (*AXES, *KINDS)}
    listing = (site / "hors-ligne.html").read_text("utf-8")
    for name in zips:
        size = size_label((site / name).stat().st_size)
        assert re.search(
            rf'<a href="{re.escape(name)}" download>[^<]+</a></td><td>[^<]+</td><td>{size}</td>', listing
        )
    assert "Vous consultez une copie hors ligne" not in listing
    card = (site / "methodes" / "enquete-collective.html").read_text("utf-8")
    assert '<a href="../hors-ligne.html">Version hors ligne</a>' in card
    assert "terreau-hors-ligne.zip" not in card


def test_an_axis_archive_holds_its_cards_and_no_link_inside_it_is_broken(site: Path, tmp_path: Path) -> None:
    axis = "resilience-alimentaire"
    with zipfile.ZipFile(site / f"terreau-{axis}.zip") as z:
        assert z.testzip() is None
        assert {name.split("/", 1)[0] for name in z.namelist()} == {f"terreau-{axis}"}
        z.extractall(tmp_path)
    root = tmp_path / f"terreau-{axis}"
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    catalogue = build(ROOT / "docs")
    actions = {c.url for c in catalogue.of_model(Action) if c.meta.axe == axis}
    assert actions and actions <= files
    assert {"index.html", "hors-archive.html", f"axes/{axis}.html", "glossaire.html", "kit.html"} <= files
    kit = html.unescape((root / "kit.html").read_text("utf-8"))  # « Voir le kit » (a script's link)
    assert "<h1>Le kit n'est pas dans cette archive</h1>" in kit and "avec son PDF" in kit
    mine = [a for a in catalogue.of_model(Action) if a.meta.axe == axis]
    pointed = {catalogue.cards[ref].url for a in mine for ref in points_to(a)}
    assert pointed <= files  # what its actions need
    others = {c.url for c in catalogue.cards.values()} - actions - pointed - {f"axes/{axis}.html"}
    assert others and others.isdisjoint(files)
    assert not any(f.startswith(("assets/terreau/recherche/", "assets/terreau/impression/")) for f in files)
    assert any(f.endswith(".pdf") for f in files)  # the session's site has its PDFs
    broken = []
    for rel in sorted(f for f in files if f.endswith(".html")):
        for url in LINKS.findall((root / rel).read_text("utf-8")):
            split = urlparse(url)
            if split.scheme or split.netloc or not split.path:
                continue
            if not (root / rel).parent.joinpath(unquote(split.path)).resolve().is_file():
                broken.append(f"{rel} → {url}")
    assert broken == []


def test_an_axis_archive_works_from_a_folder_with_its_stylesheets(site: Path, tmp_path: Path, page) -> None:  # type: ignore[no-untyped-def]
    axis = "resilience-sanitaire"
    with zipfile.ZipFile(site / f"terreau-{axis}.zip") as z:
        z.extractall(tmp_path)
    root = tmp_path / f"terreau-{axis}"
    schemes: set[str] = set()
    page.on("request", lambda r: schemes.add(urlparse(r.url).scheme))
    page.goto((root / "index.html").as_uri())
    assert page.locator("h1").inner_text() == "Résilience sanitaire — Terreau hors ligne"
    styled = "() => [getComputedStyle(document.documentElement).getPropertyValue('--md-primary-fg-color').trim(), getComputedStyle(document.querySelector('h1')).fontWeight]"  # noqa: E501
    assert page.evaluate(styled) == ["#1e5631", "700"]  # terreau.css, after the theme's
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    assert all(Path(unquote(urlparse(u).path)).is_file() for u in links if u.startswith("file:"))
    page.get_by_role("link", name="Résilience sanitaire", exact=True).click()
    page.wait_for_url(f"**/axes/{axis}.html")
    card = page.locator(".md-content a[href^='../actions/']").first
    card.click()
    page.wait_for_url("**/actions/*.html")
    assert page.evaluate(styled)[0] == "#1e5631"
    for u in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
        if u.startswith("file:"):
            assert Path(unquote(urlparse(u).path)).is_file(), u
    page.locator("a[href='../hors-archive.html']").first.click()  # a page not in the archive
    page.wait_for_url("**/hors-archive.html")
    assert page.locator("h1").inner_text() == "Cette fiche n'est pas dans cette archive"
    # The session's site has a real address: the page gives it (a link, never a request).
    assert page.get_by_role("link", name=PUBLISHED).count() == 1
    page.get_by_role("link", name="Revenir au sommaire de cette archive").click()
    page.wait_for_url("**/index.html")
    page.goto((root / offline.OFFLINE_PAGE).as_uri())  # the footer's page, in the archive
    assert "Vous consultez une copie hors ligne" in page.locator("article").inner_text()
    assert schemes == {"file"}


def test_the_archives_pages_pass_axe_and_fit_a_small_phone(
    site: Path, server: str, tmp_path: Path, browser
) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(site / "terreau-methodes.zip") as z:
        z.extractall(tmp_path)
    root = tmp_path / "terreau-methodes"
    # axe is injected as an inline script: only the test's own context may bypass the CSP.
    context = browser.new_context(locale="fr-FR", bypass_csp=True, viewport={"width": 320, "height": 640})
    page = context.new_page()
    for url in (
        server + offline.OFFLINE_PAGE,
        (root / "index.html").as_uri(),
        (root / "hors-archive.html").as_uri(),
        (root / "kit.html").as_uri(),
    ):
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == [], url
        assert len(result["passes"]) > 5, url  # axe really ran
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), url
    context.close()
