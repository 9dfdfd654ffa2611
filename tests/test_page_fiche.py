"""A card page read by a mayor on her phone (360 × 740): where the card sits, the key facts
and the first step within two screens, every fact one click away, a table of contents that
lists every section, and the cards pointing to it folded by kind, with their counts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from pypdf import PdfReader
from terreau.core.catalogue import build
from terreau.core.vocabulary import vocabulary

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 360, "height": 740}
METHOD = "methodes/enquete-collective.html"
CATALOGUE = build(ROOT / "docs")
# One card of each kind, and the method page the issue was measured on.
CARDS = sorted({METHOD, *(CATALOGUE.of_kind(kind)[0].url for kind in vocabulary("type").terms)})


@pytest.fixture
def phone(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def top_and_bottom(page, selector: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    box = page.locator(selector).first.evaluate(
        "e => { const r = e.getBoundingClientRect(); return [r.top + scrollY, r.bottom + scrollY]; }"
    )
    return box[0], box[1]


def test_key_facts_on_the_first_screen_and_the_first_step_within_two(server: str, phone) -> None:  # type: ignore[no-untyped-def]
    phone.goto(server + METHOD)
    facts = [re.sub(r"[ \n]+", " ", t) for t in phone.locator(".terreau-essentiel li").all_text_contents()]
    assert facts == [
        "Coût : Moins de 1 000 €",
        "Durée : 2 à 4 mois",
        "Portée par : association, collectif d'habitants, élus",
        "Communes de moins de 10\u202f000 hab.",
    ]
    assert phone.locator(".terreau-essentiel .terreau-masque").first.is_visible()  # read, not seen
    facts_top, facts_bottom = top_and_bottom(phone, ".terreau-essentiel")
    assert facts_bottom <= PHONE["height"], facts_bottom
    line = phone.locator(".terreau-essentiel").evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
    assert facts_bottom - facts_top <= 3 * line + 1  # a few lines, not a box of two screens
    first_step = phone.locator(".terreau-etape__titre").first
    assert first_step.inner_text() == CATALOGUE.cards["enquete-collective"].meta.etapes[0].titre
    _, step_bottom = top_and_bottom(phone, ".terreau-etape__titre")
    assert step_bottom <= 2 * PHONE["height"], step_bottom
    # Steps come before the card's own sections (« Points de vigilance »…).
    assert top_and_bottom(phone, "#terreau-etapes")[0] < top_and_bottom(phone, "#points-de-vigilance")[0]


def test_the_data_box_is_folded_and_opens_by_click_and_by_keyboard(server: str, phone) -> None:  # type: ignore[no-untyped-def]
    phone.goto(server + METHOD)
    box = phone.locator("details.terreau-fiche__donnees")
    summary = box.locator("summary")
    facts = box.locator("dl")
    assert summary.inner_text().endswith("Toutes les caractéristiques")
    assert not facts.is_visible()
    summary.click()
    assert facts.is_visible()
    assert "Difficulté" in facts.inner_text() and "Maturité" in facts.inner_text()
    summary.click()
    assert not facts.is_visible()
    # By keyboard: the skip link leads to the card's title, the box is the next stop.
    phone.goto(server + METHOD)
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.getAttribute('href')") == "#terreau-titre"
    phone.keyboard.press("Enter")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.tagName") == "SUMMARY"
    phone.keyboard.press("Enter")
    assert facts.is_visible()
    phone.keyboard.press(" ")
    assert not facts.is_visible()


def test_printing_shows_the_whole_data_box_without_its_fold(server: str, phone) -> None:  # type: ignore[no-untyped-def]
    phone.goto(server + METHOD)
    phone.emulate_media(media="print")
    box = phone.locator("details.terreau-fiche__donnees")
    assert box.locator("dl").is_visible()
    assert not box.locator("summary").is_visible()
    assert not phone.locator(".terreau-essentiel").is_visible()  # the box says it all


def test_a_card_pdf_prints_its_data_box_compactly(site: Path) -> None:
    # A card for communes of every size: the four sizes are not listed one by one.
    every = set(vocabulary("taille_commune").terms)
    card = next(c for c in CATALOGUE.of_kind("outil") if set(c.meta.communes) == every)
    pdf = PdfReader(site / Path(card.url).with_suffix(".pdf"))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "Difficulté : " in text and "Maturité : " in text, text[:600]
    assert "Communes : De toute taille" in text
    assert "Moins de 500 habitants" not in text
    assert "Toutes les caractéristiques" not in text


def test_breadcrumb_of_a_method_leads_to_its_listing(server: str, phone) -> None:  # type: ignore[no-untyped-def]
    phone.goto(server + METHOD)
    crumbs = phone.get_by_role("navigation", name="Fil d'Ariane")
    assert crumbs.locator("ol > li").all_inner_texts() == ["Méthodes", "Enquête collective"]
    assert crumbs.locator("[aria-current='page']").inner_text() == "Enquête collective"
    crumbs.get_by_role("link", name="Méthodes").click()
    assert phone.url.endswith("methodes/index.html")


def test_breadcrumb_of_an_action_leads_to_its_place_on_the_axis_page(server: str, phone) -> None:  # type: ignore[no-untyped-def]
    action = CATALOGUE.cards["audit-energetique-patrimoine-communal"]
    where = CATALOGUE.placement(action)
    assert where.axe and where.orientation and where.objectif
    phone.goto(server + action.url)
    links = phone.get_by_role("navigation", name="Fil d'Ariane").get_by_role("link")
    assert links.all_inner_texts() == [where.axe.titre, where.orientation.titre, where.objectif.titre]
    for link, anchor in zip(links.all()[1:], [where.orientation.id, where.objectif.id], strict=True):
        assert (link.get_attribute("href") or "").endswith(f"#{anchor}")
    links.nth(2).click()
    phone.wait_for_load_state()
    assert phone.url.endswith(f"#{where.objectif.id}")
    assert phone.locator(f"[id='{where.objectif.id}']").is_visible()


def page_h2(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate("[...document.querySelectorAll('article h2')].map(h => h.id)")


def toc_links(page, nav: str) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate(
        f"[...document.querySelectorAll(\"{nav} > ul > li > a\")].map(a => a.getAttribute('href').slice(1))"
    )


@pytest.mark.parametrize("url", CARDS)
def test_the_table_of_contents_lists_every_section_in_page_order(url: str, server: str, desktop) -> None:  # type: ignore[no-untyped-def]
    desktop.goto(server + url)
    sections = page_h2(desktop)
    assert sections and all(sections), sections  # every section has an address
    listed = toc_links(desktop, ".md-sidebar--secondary nav.md-nav--secondary")
    assert listed == sections
    assert desktop.locator(".md-sidebar--secondary nav.md-nav--secondary a").last.is_visible()


def test_on_a_phone_the_table_of_contents_is_in_the_menu(server: str, phone) -> None:  # type: ignore[no-untyped-def]
    phone.goto(server + METHOD)
    phone.locator(".md-header label[for='__drawer']").click()
    entry = phone.locator(".md-nav--primary .terreau-nav-page > label")
    assert entry.inner_text().strip() == "Enquête collective"
    entry.click()
    toc = phone.locator(".md-nav--primary .terreau-nav-page nav.md-nav--secondary")
    listed = toc_links(phone, ".md-nav--primary .terreau-nav-page nav.md-nav--secondary")
    assert listed == page_h2(phone)
    toc.get_by_role("link", name="Sources").click()
    assert phone.url.endswith("#terreau-sources")


def test_cards_pointing_here_are_folded_by_kind_with_their_counts(server: str, phone) -> None:  # type: ignore[no-untyped-def]
    phone.goto(server + METHOD)
    pointing = CATALOGUE.used_by("enquete-collective")
    kinds = vocabulary("type")
    groups = phone.locator("details.terreau-renvois")
    expected = [f"{kinds.terms[k].pluriel} ({len(pointing[k])})" for k in sorted(pointing, key=kinds.rank)]
    assert [s.strip() for s in groups.locator("summary").all_inner_texts()] == expected
    assert sum(len(v) for v in pointing.values()) > 20  # the page the issue measured
    for i in range(groups.count()):
        group = groups.nth(i)
        assert group.get_attribute("open") is None
        assert not group.locator("li").first.is_visible()
    groups.first.locator("summary").click()
    assert groups.first.locator("li").count() == len(pointing[sorted(pointing, key=kinds.rank)[0]])
    assert groups.first.locator("li a").first.is_visible()


@pytest.fixture
def axe_phone(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    # axe is injected as an inline script: only the test's own context may bypass the CSP.
    context = browser.new_context(locale="fr-FR", viewport=PHONE, bypass_csp=True)
    yield context.new_page()
    context.close()


def test_opened_boxes_pass_axe_and_do_not_scroll_sideways(server: str, axe_phone) -> None:  # type: ignore[no-untyped-def]
    axe_phone.set_viewport_size({"width": 320, "height": 740})
    axe_phone.goto(server + METHOD)
    for summary in axe_phone.locator("details.terreau-pli > summary").all():
        summary.click()
    assert axe_phone.locator("details.terreau-pli:not([open])").count() == 0
    axe_phone.add_script_tag(path=str(AXE))
    run = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
    result = axe_phone.evaluate(run, WCAG_TAGS)
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == []
    assert axe_phone.evaluate("document.documentElement.scrollWidth <= innerWidth")
