"""The starting exhibition's panels, read from their card: every panel complete, and a panel
missing a part, or a fact missing its source, named in a French message (site/posters.py)."""

from __future__ import annotations

import pytest
from conftest import ROOT
from terreau.core.catalogue import build
from terreau.core.identity import identities
from terreau.site import posters

PANEL = """## Panneau 1 — Un titre

**Axe :** [Résilience alimentaire](../axes/resilience-alimentaire.md)

**Message :** Un message.

**Repères :**

- Un chiffre. *Source : Insee, « Un titre », 2020.*
- Un autre chiffre. *Source : Cerema, 2021.*

**Question aux visiteurs :** Une question ?

**Chez nous :** Ce que la commune ajoute.
"""


def test_the_shipped_panels_are_complete_and_sourced() -> None:
    catalogue = build(ROOT / "docs")
    card = catalogue.cards[posters.CARD]
    panels = posters.panels(card.body)
    assert 6 <= len(panels) <= 10
    assert [p.number for p in panels] == list(range(1, len(panels) + 1))
    for panel in panels:
        assert panel.message and panel.question and panel.local and panel.facts
        assert 1 <= len(panel.facts) <= 2
        assert all(fact.source for fact in panel.facts)
        assert panel.axis is None or panel.axis in identities().axes
    # One panel per axis, and the axes are the card's.
    axes = [p.axis for p in panels if p.axis]
    assert sorted(axes) == sorted(set(axes)) == sorted(card.meta.axes)


def test_a_panel_is_read_from_its_labelled_paragraphs() -> None:
    (panel,) = posters.panels("## Mode d'emploi\n\nTexte.\n\n" + PANEL + "\n## Ajouter\n\nTexte.\n")
    assert (panel.number, panel.title, panel.axis) == (1, "Un titre", "resilience-alimentaire")
    assert panel.anchor == "panneau-1-un-titre"
    assert [str(f.source) for f in panel.facts] == ["Insee, « Un titre », 2020.", "Cerema, 2021."]
    assert str(panel.question) == "Une question ?"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("**Question aux visiteurs :** Une question ?", ""), "il manque « Question aux visiteurs »"),
        (
            ("Un chiffre. *Source : Insee, « Un titre », 2020.*", "Un chiffre."),
            "chaque repère finit par sa source",
        ),
    ],
)
def test_an_incomplete_panel_is_named(change: tuple[str, str], message: str) -> None:
    with pytest.raises(posters.PanelError, match=message) as caught:
        posters.panels(PANEL.replace(*change))
    assert "« Panneau 1 — Un titre »" in str(caught.value)


def test_sizes_are_said_in_french_units() -> None:
    assert [posters.size_label(n) for n in (400, 54_728, 1_234_567)] == ["1 ko", "55 ko", "1,2 Mo"]
