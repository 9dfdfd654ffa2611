"""A card's summary never announces another cost than the band its box shows (COUT_RESUME)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from terreau.core import content_checks, yamlsafe
from terreau.core.catalogue import build


def warnings(summary: str, band: str) -> list[str]:
    front = f"type: methode\ntitre: Essai\nresume: >-\n  {summary}\ncout: {band}\n"
    parsed = yamlsafe.read(front, 2)
    return [p.format_text() for p in content_checks.cost_of_summary(parsed, "docs/methodes/essai.md")]


@pytest.mark.parametrize(
    ("summary", "band"),
    [
        ("Des habitants se réunissent. Coût faible ; la commune prête une salle.", "eleve"),
        ("Des habitants se réunissent. Coût faible à moyen (impressions).", "moyen"),
        ("Gratuit : une salle et des feutres.", "faible"),
        ("Une étude. Coût élevé si l'on fait appel à un bureau d'études.", "moyen"),
    ],
)
def test_a_summary_naming_another_cost_band_is_warned_at_its_line(summary: str, band: str) -> None:
    found = warnings(summary, band)
    assert len(found) == 1, found
    assert found[0].startswith("docs/methodes/essai.md:4: COUT_RESUME (avertissement) resume : ")
    assert f"le champ cout vaut « {band} »" in found[0]


@pytest.mark.parametrize(
    ("summary", "band"),
    [
        ("Des habitants se réunissent. Coût faible ; la commune prête une salle.", "faible"),
        ("Gratuit (photocopies).", "nul"),
        ("Presque sans coût : une salle.", "nul"),
        ("Coût moyen si un local existe, élevé s'il faut rénover.", "moyen"),
        ("Des ateliers coûtent peu, un lieu ouvert toute l'année coûte cher.", "eleve"),
        ("Une balade sans rien dire du prix.", "moyen"),
    ],
)
def test_a_summary_that_agrees_with_its_band_or_names_none_is_not_warned(summary: str, band: str) -> None:
    assert warnings(summary, band) == []


def test_the_commons_own_cards_agree_with_their_cost_band() -> None:
    catalogue = build(ROOT / "docs")
    assert [p.format_text() for p in catalogue.problems if p.code == "COUT_RESUME"] == []


def test_the_words_come_from_the_vocabulary_data() -> None:
    text = (Path(content_checks.__file__).parent / "data" / "vocabulaires.yml").read_text("utf-8")
    assert "mots_resume" in text.split("\ntype:")[0]  # documented in the file's header
    assert text.count("mots_resume: [") == 4  # one list per cost band
