"""Listing pages a mayor can scan on a phone: cards grouped (actions by axis and orientation,
tools by main need, feedback by commune size), key facts on each line, the finder one click
away, and « Ajouter au kit » on every line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT
from terreau.core.catalogue import Catalogue, build
from terreau.core.models import Action, Axe, Outil
from terreau.core.vocabulary import vocabulary
from terreau.site.views import listings


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return build(ROOT / "docs")


# Each group as the page shows it: its heading, the count in the heading, and its lines.
GROUPS = """() => [...document.querySelectorAll('article h2')].filter(h => h.id !== 'carte').map(h => {
  const lines = [];
  for (let el = h.nextElementSibling; el && el.tagName !== 'H2'; el = el.nextElementSibling) {
    el.querySelectorAll('.terreau-liste__ligne').forEach(li => lines.push({
      title: li.querySelector('a').textContent,
      facts: [...li.querySelectorAll('.terreau-liste__faits span')].map(s => s.textContent),
    }));
  }
  return {heading: h.firstChild.textContent.trim(),
          count: h.querySelector('.terreau-liste__compte').textContent, lines};
})"""


@pytest.mark.browser
def test_actions_are_grouped_by_axis_then_orientation_with_cost_and_carriers(
    server: str, page, catalogue: Catalogue
) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "actions/index.html")
    groups = page.evaluate(GROUPS)
    actions = catalogue.of_model(Action)
    axes = [a for a in catalogue.of_model(Axe) if any(c.meta.axe == a.id for c in actions)]
    assert [g["heading"] for g in groups] == [a.meta.titre for a in axes]
    for group in groups:
        assert group["count"] == f"({len(group['lines'])})"
    assert sum(len(g["lines"]) for g in groups) == len(actions)
    costs = {t.libelle for t in vocabulary("cout").terms.values()}
    for line in (line for g in groups for line in g["lines"]):
        assert line["facts"][0] in costs, line
        assert line["facts"][-1].startswith("Qui porte : "), line
    # Under an axis, its orientations in the axis card's order, each with its count.
    first = axes[0]
    subheadings = page.evaluate(
        "() => { const out = []; let el = document.querySelector('article h2').nextElementSibling;"
        " for (; el && el.tagName !== 'H2'; el = el.nextElementSibling)"
        "   if (el.tagName === 'H3') out.push(el.textContent.trim()); return out; }"
    )
    wanted = []
    for o in first.meta.orientations:
        n = sum(1 for c in actions if c.meta.axe == first.id and c.meta.orientation == o.id)
        if n:
            wanted.append(f"{o.titre} ({n})")
    assert subheadings == wanted
    # Jump links to every axis, for a long page on a phone.
    jumps = page.locator(".terreau-filtres-rapides", has_text="Aller à").get_by_role("link")
    assert jumps.all_inner_texts() == [a.meta.titre for a in axes]


@pytest.mark.browser
def test_tools_are_listed_once_under_their_main_need(server: str, page, catalogue: Catalogue) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "outils/index.html")
    groups = page.evaluate(GROUPS)
    tools = catalogue.of_model(Outil)
    titles = [line["title"] for g in groups for line in g["lines"]]
    assert sorted(titles) == sorted(t.meta.titre for t in tools)  # each once
    needs = vocabulary("besoins").terms
    order = [t.question or t.libelle for t in needs.values()]
    assert [g["heading"] for g in groups] == [h for h in order if h in {g["heading"] for g in groups}]
    by_title = {t.meta.titre: t for t in tools}
    for group in groups:
        for line in group["lines"]:
            main = by_title[line["title"]].meta.besoins[0]
            assert group["heading"] == (needs[main].question or needs[main].libelle)
    several = next(t for t in tools if len(t.meta.besoins) > 1)
    name = page.get_by_role("link", name=several.meta.titre, exact=True)
    line = page.locator(".terreau-liste__ligne", has=name)
    other = needs[several.meta.besoins[1]].libelle.lower()
    assert other in line.locator(".terreau-liste__aussi").inner_text()


def test_feedback_records_are_grouped_by_the_size_of_their_communes(docs: Path) -> None:
    leaz = docs / "retours" / "leaz-porte-a-porte.md"
    known = '      insee: "01209"\n'
    population = "      population: 1204\n      annee_population: 2021\n"
    leaz.write_text(leaz.read_text("utf-8").replace(known, known + population), "utf-8")
    catalogue = build(docs)
    groups = {g.title: [c.id for c in g.cards] for g in listings.groups(catalogue, "retour")}
    sizes = [t.libelle for t in vocabulary("taille_commune").terms.values()]
    assert list(groups) == [t for t in [*sizes, listings.UNKNOWN_SIZE] if t in groups]
    assert list(groups)[-1] == listings.UNKNOWN_SIZE  # a département's strategy names no commune
    assert "gironde-strategie-resilience" in groups[listings.UNKNOWN_SIZE]
    # The record's own figure first; else the official list's (Luc-sur-Aude: 257 inhabitants).
    assert "leaz-porte-a-porte" in groups["De 500 à 2 000 habitants"]
    assert "luc-sur-aude-energie-citoyenne" in groups["Moins de 500 habitants"]
    assert {c for cards in groups.values() for c in cards} == {c.id for c in catalogue.of_kind("retour")}
    # « Léaz (Ain) » already names its département: not said twice.
    assert listings.facts(catalogue.cards["leaz-porte-a-porte"]) == ["Léaz (Ain)", "1\u202f204 habitants"]
    # The département comes from the INSEE code when the place's name does not say it.
    grenoble = docs / "retours" / "grenoble-budget-participatif.md"
    text = grenoble.read_text("utf-8")
    grenoble.write_text(text.replace("nom: Grenoble (Isère)", "nom: Grenoble"), "utf-8")
    facts = listings.facts(build(docs).cards["grenoble-budget-participatif"])
    assert facts == ["Grenoble", "Isère", "156\u202f140 habitants"]


@pytest.mark.browser
def test_the_feedback_page_groups_by_size_and_keeps_its_map(server: str, page, catalogue: Catalogue) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "retours/index.html")
    groups = page.evaluate(GROUPS)
    sizes = [t.libelle for t in vocabulary("taille_commune").terms.values()]
    headings = [g["heading"] for g in groups]
    assert headings == [h for h in [*sizes, listings.UNKNOWN_SIZE] if h in headings]
    records = {c.meta.titre for c in catalogue.of_kind("retour")}
    assert {line["title"] for g in groups for line in g["lines"]} == records
    assert page.locator("#carte + figure svg").is_visible()


@pytest.mark.browser
def test_a_listing_line_adds_its_card_to_the_kit(server: str, page, catalogue: Catalogue) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "methodes/index.html")
    first = page.locator(".terreau-liste__ligne").first
    title = first.locator("a").inner_text()
    button = first.locator("button")
    assert page.get_by_role("button", name=f"Ajouter au kit : {title}").is_visible()
    assert button.get_attribute("aria-pressed") == "false"
    assert not page.get_by_role("link", name=re.compile("^Voir le kit")).is_visible()
    button.click()
    assert button.get_attribute("aria-pressed") == "true" and button.inner_text().startswith("Retirer du kit")
    assert page.locator(".terreau-liste-kit__etat").inner_text() == "Fiche ajoutée au kit."
    page.get_by_role("link", name="Voir le kit (1)").click()
    page.wait_for_selector("#terreau-kit[data-pret='oui']")
    assert page.locator(".terreau-kit__sommaire li").all_inner_texts() == [title]


@pytest.mark.browser
def test_quick_filters_open_the_finder_with_the_count_they_promise(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "actions/index.html")
    quick = page.locator(".terreau-filtres-rapides", has_text="Coût").get_by_role("link").first
    label = quick.inner_text()
    promised = int(re.findall(r"\((\d+)\)", quick.locator("xpath=..").inner_text())[0])
    quick.click()
    page.wait_for_selector("form[data-pret='oui']")
    page.wait_for_function(
        f"() => document.getElementById('terreau-recherche-etat').textContent.startsWith('{promised} fiche')"
    )
    chips = page.locator("#terreau-actifs button")
    assert chips.nth(0).get_attribute("aria-label") == "Retirer le filtre Type de fiche : Fiche action"
    assert chips.nth(1).get_attribute("aria-label") == f"Retirer le filtre Coût : {label}"


@pytest.mark.browser
def test_without_javascript_a_listing_reads_whole_without_kit_buttons(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    phone = {"width": 360, "height": 740}
    context = browser.new_context(java_script_enabled=False, locale="fr-FR", viewport=phone)
    page = context.new_page()
    page.goto(server + "actions/index.html")
    assert page.locator(".terreau-liste__ligne").count() > 0
    assert page.locator(".terreau-liste__kit:visible").count() == 0
    assert page.get_by_role("link", name=re.compile(r"^Filtrer ces \d+ fiches$")).is_visible()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("address", ["actions/index.html", "outils/index.html"])
def test_grouped_listings_pass_axe_on_a_phone(address: str, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", bypass_csp=True, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(server + address)
    page.add_script_tag(path=str(ROOT / "node_modules" / "axe-core" / "axe.min.js"))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
    context.close()
