"""The situations « Par où commencer ? » starts from (core/data/situations.yml): every name
they use exists, and each leads to at least three cards that answer it."""

from __future__ import annotations

import pytest
from conftest import ROOT
from terreau.core.catalogue import Catalogue, build
from terreau.core.models import Action, Axe
from terreau.core.situations import situations
from terreau.core.vocabulary import vocabulary
from terreau.derive import finder


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return build(ROOT / "docs")


@pytest.mark.parametrize("situation", situations(), ids=lambda s: s.id)
def test_every_name_a_situation_uses_exists(situation, catalogue: Catalogue) -> None:  # type: ignore[no-untyped-def]
    axes = {a.id: {o.id for o in a.meta.orientations} for a in catalogue.of_model(Axe)}
    for axis, orientations in situation.axes.items():
        assert axis in axes, f"{situation.id}: axe {axis}"
        assert set(orientations) <= axes[axis], f"{situation.id}: orientations {orientations}"
    assert set(situation.besoins) <= set(vocabulary("besoins").terms)
    for card_id in situation.d_abord:
        assert card_id in catalogue.cards, f"{situation.id}: fiche {card_id}"
    assert situation.axes or situation.besoins, "a situation says where its cards are filed"


@pytest.mark.parametrize("situation", situations(), ids=lambda s: s.id)
def test_each_situation_suggests_at_least_three_cards_first_ones_first(
    situation, catalogue: Catalogue
) -> None:  # type: ignore[no-untyped-def]
    cards, _route = finder.suggest(catalogue, finder.Question(situation.id))
    ids = [s.card.id for s in cards]
    assert len(ids) >= 3
    assert ids[: len(situation.d_abord[:3])] == list(situation.d_abord[:3])
    for s in cards:
        assert s.reasons, "every suggestion says why"


def test_energy_bills_bring_energy_actions_with_their_facts(catalogue: Catalogue) -> None:
    cards, _route = finder.suggest(catalogue, finder.Question("factures-energie", "moins-500"))
    actions = [s.card for s in cards if isinstance(s.card.meta, Action)]
    assert len(actions) >= 3
    assert all(a.meta.axe == "resilience-energetique" for a in actions)
    labels = [label for label, _value in finder.key_facts(actions[0])]
    assert labels == ["Coût", "Porté par", "Durée"]


def test_a_situation_filters_by_budget_and_time(catalogue: Catalogue) -> None:
    """« Peu importe » keeps everything; a budget or a time limit never lets a dearer or
    longer card through."""
    cheap = finder.Question("factures-energie", cout="faible", duree="semestre")
    cards, _ = finder.suggest(catalogue, cheap)
    assert cards
    for s in cards:
        assert vocabulary("cout").rank(s.cout[0]) <= vocabulary("cout").rank("faible")
        assert vocabulary("classe_duree").rank(s.duree[0]) <= vocabulary("classe_duree").rank("semestre")
