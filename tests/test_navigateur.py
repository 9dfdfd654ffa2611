"""What a person sees, in Debian's chromium: search as you type, the header search, printing."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from conftest import ROOT
from terreau.core.catalogue import build
from terreau.site import posters

pytestmark = pytest.mark.browser


def test_typing_energie_shows_the_energy_card(server: str, page) -> None:  # type: ignore[no-untyped-def]
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server + "recherche.html")
    page.wait_for_selector("form[data-pret='oui']")
    page.get_by_label("Rechercher dans les fiches").press_sequentially("energie")
    page.wait_for_function(
        "() => document.getElementById('terreau-recherche-etat').textContent.includes('« energie »')"
    )
    first = page.locator("#terreau-recherche-resultats li a").first
    title = first.inner_text()
    assert "énergie" in title.lower()
    assert "fiche" in page.locator("#terreau-recherche-etat").inner_text()
    assert "q=energie" in page.url
    first.click()
    page.wait_for_url("**/actions/*.html")
    assert page.locator("h1").inner_text() == title
    hosts = {urlparse(u).hostname for u in requests}
    assert hosts == {"127.0.0.1"}, hosts


def test_an_address_with_a_query_loads_each_search_file_once(server: str, page) -> None:  # type: ignore[no-untyped-def]
    """A shared address (recherche.html?q=…): the head script asks for the search's scripts and
    the query's index shards while the page is read; terreau.js, later, finds them loaded and
    shows the results. Nothing is asked twice; the head script does not wait for the
    stylesheets, and the theme's script runs after Terreau's."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url.removeprefix(server).split("?")[0]))
    page.goto(server + "recherche.html?q=energie")
    page.wait_for_selector("form[data-pret='oui']")
    assert "energie" in page.locator("#terreau-recherche-etat").inner_text()
    search = [r for r in requests if r.startswith("assets/terreau/")]
    assert len(search) == len(set(search)), search
    assert [r for r in search if r.endswith(".js") and r != "assets/terreau/terreau.js"][:4] == [
        "assets/terreau/md-base.js",
        "assets/terreau/lunr/lunr-fr.js",
        "assets/terreau/moteur.js",
        "assets/terreau/recherche/facettes.js",
    ]
    assert any(r.startswith("assets/terreau/recherche/index-") for r in search)
    scripts = page.eval_on_selector_all("script[src]", "all => all.map(s => s.getAttribute('src'))")
    bundle = next(i for i, s in enumerate(scripts) if "/bundle." in s)
    assert scripts.index("assets/terreau/terreau.js") < bundle
    head = page.evaluate(
        "() => [...document.head.children].map(e => e.tagName + ' ' + (e.rel || e.getAttribute('src') || ''))"
    )
    # The head script runs before the stylesheets: what it asked for is in the head before them
    # (terreau.js, at the end of the page, would have put it after them).
    assert head.index("SCRIPT assets/terreau/md-base.js") < head.index("LINK stylesheet")
    early = next(i for i, e in enumerate(head) if e.endswith("lunr/lunr-fr.js"))
    assert early < head.index("LINK stylesheet"), head


def test_header_search_leads_to_results(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "methodes/enquete-collective.html")
    page.get_by_role("searchbox", name="Rechercher une fiche").fill("alimentaire")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/recherche\.html\?q=alimentaire$"))
    page.wait_for_function(
        "() => document.getElementById('terreau-recherche-etat').textContent.includes('« alimentaire »')"
    )
    titles = page.locator("#terreau-recherche-resultats li a").all_inner_texts()
    assert "S'engager dans un projet alimentaire territorial" in titles[:3]


def test_the_header_search_box_prefetches_the_search_once_focused(server: str, page) -> None:  # type: ignore[no-untyped-def]
    requests: list[str] = []
    page.goto(server + "methodes/enquete-collective.html")
    page.wait_for_load_state("networkidle")
    page.on("request", lambda r: requests.append(r.url.removeprefix(server)))
    page.get_by_role("searchbox", name="Rechercher une fiche").focus()
    page.wait_for_function("() => document.querySelectorAll('link[rel=prefetch]').length === 3")
    page.wait_for_load_state("networkidle")
    assert sorted(requests) == [
        "assets/terreau/lunr/lunr-fr.js",
        "assets/terreau/moteur.js",
        "assets/terreau/recherche/facettes.js",
    ]


def test_results_shown_before_their_summaries_get_them(server: str, page) -> None:  # type: ignore[no-untyped-def]
    """The first results come with the index shard; their summaries follow from the cards'
    chunks, each in its place."""
    catalogue = build(ROOT / "docs")
    page.goto(server + "recherche.html?q=energie")
    page.wait_for_selector("form[data-pret='oui']")
    links = page.locator("#terreau-recherche-resultats li a").all()
    summaries = page.locator(".terreau-resultat__resume").all_inner_texts()
    assert len(links) == len(summaries) > 3
    by_url = {card.url: card.meta.resume for card in catalogue.cards.values()}
    for link, summary in zip(links, summaries, strict=True):
        href = (link.get_attribute("href") or "").removeprefix(server)
        assert summary == by_url[href].strip(), href


def test_a_card_prints_on_a4_without_navigation(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "outils/guide-entretien-semi-directif.html")
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-footer", ".terreau-entete-recherche"):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("h1").is_visible()
    assert page.locator(".terreau-licence").is_visible()


def test_every_tool_sheet_prints_on_one_or_two_a4_pages(server: str, page) -> None:  # type: ignore[no-untyped-def]
    too_long = {}
    for tool in build(ROOT / "docs").of_kind("outil"):
        if tool.id == posters.CARD:  # the text of eight posters, printed as posters (test_pdf)
            continue
        page.goto(server + tool.url)
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4")
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        if not 1 <= pages <= 2:
            too_long[tool.id] = pages
    assert too_long == {}
