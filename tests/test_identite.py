"""Each resilience axis has its colour and icon (core/data/identite.yml): complete for the
shipped axes, readable (WCAG AA contrast, computed), drawn the same everywhere (chips on card
pages, search results, suggestions, print), and never a crash for an axis not listed yet."""

from __future__ import annotations

import colorsys
import itertools
import re
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import pytest
from conftest import ROOT
from markupsafe import escape
from terreau.core import tree
from terreau.core.catalogue import build as build_catalogue
from terreau.core.identity import contrast, identities, luminance, tint
from terreau.core.models import Axe
from terreau.site import identity
from terreau.site.build import ASSETS, SiteBuild
from terreau.site.pdf import stylesheet as pdf_stylesheet
from terreau.site.render import environment
from terreau.site.views.cards import CardViews

FIXTURES = Path(__file__).parent / "fixtures"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ICONS = resources.files("terreau.site").joinpath(identity.ICONS)
# The darkest text a chip's background may carry: mkdocs-material's body text (#000 at 87 %).
BODY_TEXT = "#212121"
EVERY = [("defaut", identities().default), *identities().axes.items()]


def test_contrast_is_wcag_s_formula() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#000000") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near miss
    assert luminance("#ffffff") == pytest.approx(1)
    assert tint("#000000", 0.5) == "#808080"


def test_every_axis_card_of_the_commons_has_its_own_identity() -> None:
    axes = [c.id for c in build_catalogue(ROOT / "docs").of_model(Axe)]
    assert len(axes) == 5
    assert sorted(axes) == sorted(identities().axes), "identite.yml doit nommer chaque axe de docs/axes/"


@pytest.mark.parametrize("name, axis", EVERY, ids=[n for n, _ in EVERY])
def test_colour_reads_on_white_and_on_its_own_tint(name: str, axis) -> None:  # type: ignore[no-untyped-def]
    # The chip: its name and icon in the colour, on its tint; the same colour as text on a page.
    assert contrast(axis.couleur, "#ffffff") >= 4.5
    assert contrast(axis.couleur, axis.fond) >= 4.5
    # The tint stays light: dark body text on it reads too.
    assert contrast(BODY_TEXT, axis.fond) >= 4.5
    assert luminance(axis.fond) > 0.75


def test_axis_colours_are_far_apart_in_hue() -> None:
    def hue(colour: str) -> float:
        r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return colorsys.rgb_to_hls(r, g, b)[0] * 360

    hues = {a: hue(i.couleur) for a, i in identities().axes.items()}
    for (a, ha), (b, hb) in itertools.combinations(hues.items(), 2):
        assert min(abs(ha - hb), 360 - abs(ha - hb)) >= 30, (a, b)


@pytest.mark.parametrize("name, axis", EVERY, ids=[n for n, _ in EVERY])
def test_icon_is_small_self_drawn_and_passes_the_svg_checks(name: str, axis) -> None:  # type: ignore[no-untyped-def]
    data = ICONS.joinpath(f"{axis.icone}.svg").read_bytes()
    assert tree.svg_problem(data) is None
    assert len(data) < 600  # inlined in every chip: measured 200–400 bytes
    root = ET.fromstring(data)
    assert root.get("viewBox") == "0 0 24 24"
    # Drawn in the chip's colour only (currentColor), so it follows the axis and print.
    paints = set(re.findall(rb'(?:fill|stroke)="([^"]*)"', data))
    assert paints <= {b"none", b"currentColor"}, paints
    assert identity.icon(axis.icone).body.strip().startswith("<path")


def test_unknown_axis_gets_the_default_identity() -> None:
    data = identities()
    assert data.of("axe-ajoute-demain") == data.default
    assert identity.icon("icone-absente") == identity.icon(data.default.icone)


def test_badge_of_an_axis_without_identity_is_drawn_with_the_default() -> None:
    # The fixture commons' axis (axe-essai) is not in identite.yml, like a freshly added axis.
    catalogue = build_catalogue(FIXTURES / "base")
    views = CardViews(catalogue, environment())
    html = str(views.axis_badge("axe-essai"))
    assert 'class="terreau-axe terreau-axe--axe-essai"' in html
    assert 'aria-hidden="true"' in html and "<path" in html
    assert html.endswith(f"{escape(catalogue.cards['axe-essai'].meta.titre)}</span>")
    assert identity.icon(identities().default.icone).body in html
    action = next(c for c in catalogue.cards.values() if c.kind == "action")
    assert "terreau-axe--axe-essai" in views.header(action)


def test_stylesheets_carry_a_colour_class_per_axis_from_the_data() -> None:
    css = SiteBuild.static_files()[f"{ASSETS}/terreau.css"]
    assert isinstance(css, str)
    for printed in (css, pdf_stylesheet()):
        found = dict(re.findall(r"\.terreau-axe--([a-z0-9-]+) \{ --terreau-axe: (#[0-9a-f]{6});", printed))
        assert found == {a: i.couleur for a, i in identities().axes.items()}
        default = identities().default
        assert (
            f".terreau-axe {{ --terreau-axe: {default.couleur}; --terreau-axe-fond: {default.fond}; }}"
            in printed
        )
    # The generated block comes last: nothing in terreau.css can override it by accident.
    assert css.rstrip().endswith("}") and css.rindex(".terreau-axe--") > css.rindex("end of axis identity")


# --- In the browser ----------------------------------------------------------------------------


def chip_colours(page, selector: str) -> dict:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """sel => { const c = document.querySelector(sel), s = getComputedStyle(c),
             i = c.querySelector('svg'), r = i.getBoundingClientRect();
             return {color: s.color, background: s.backgroundColor, text: c.innerText.trim(),
                     icon: [r.width, r.height], hidden: i.getAttribute('aria-hidden'),
                     iconColor: getComputedStyle(i).stroke}; }""",
        selector,
    )


def rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


@pytest.mark.browser
def test_action_card_shows_its_axis_chip_with_icon_and_name(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", bypass_csp=True)  # axe-core is injected inline
    page = context.new_page()
    page.goto(server + "actions/accompagnement-sobriete-menages.html")
    selector = ".terreau-fiche__type .terreau-axe--resilience-energetique"
    assert page.locator(selector).is_visible()
    seen = chip_colours(page, selector)
    energy = identities().of("resilience-energetique")
    assert seen["text"] == "Résilience énergétique"
    assert seen["hidden"] == "true" and seen["icon"][0] >= 12 and seen["icon"][1] >= 12
    assert seen["color"] == rgb(energy.couleur) == seen["iconColor"]
    assert seen["background"] == rgb(energy.fond)
    # A screen reader hears the kind, then « Axe : Résilience énergétique ».
    spoken = page.locator(".terreau-fiche__type").text_content() or ""
    assert re.sub(r"\s+", " ", spoken).strip() == "Fiche action Axe : Résilience énergétique"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    )
    assert [v["id"] for v in result["violations"]] == []
    context.close()


@pytest.mark.browser
def test_axis_page_wears_its_own_chip(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "axes/resilience-alimentaire.html")
    chip = page.locator(".terreau-fiche__type .terreau-axe--resilience-alimentaire")
    assert chip.is_visible() and chip.inner_text().strip() == "Axe de résilience"
    assert page.locator(".terreau-fiche__type .terreau-axes").count() == 0


@pytest.mark.browser
def test_search_results_and_suggestions_show_the_axes_of_each_card(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "recherche.html?q=grainotheque")
    page.wait_for_selector("form[data-pret='oui']")
    first = page.locator("#terreau-recherche-resultats li").first
    chip = first.locator(".terreau-axe--resilience-alimentaire")
    assert chip.is_visible() and chip.inner_text().strip() == "Résilience alimentaire"
    assert chip.locator("svg[aria-hidden='true'] path").count() >= 1

    page.goto(server + "index.html")
    page.wait_for_selector("#terreau-depart[data-pret='oui']")
    page.locator("label[for='terreau-q-besoin-decider-ensemble']").click()
    page.wait_for_selector(".terreau-suggestions li")
    chips = page.locator(".terreau-suggestions .terreau-axe")
    assert chips.count() >= 1 and chips.first.is_visible()
    assert chips.first.locator("svg").count() == 1
