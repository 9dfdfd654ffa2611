"""The commons itself: minimum counts per kind and per axis, and sources where facts are claimed."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import ROOT
from terreau.core.catalogue import Catalogue, build
from terreau.core.models import Retour

MINIMUMS = {"methode": 20, "outil": 40, "action": 60, "retour": 12, "parcours": 5, "axe": 5}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return build(ROOT / "docs")


def test_the_corpus_validates(catalogue: Catalogue) -> None:
    assert catalogue.problems == []


@pytest.mark.parametrize(("kind", "minimum"), sorted(MINIMUMS.items()))
def test_minimum_count_per_kind(catalogue: Catalogue, kind: str, minimum: int) -> None:
    assert len(catalogue.of_kind(kind)) >= minimum


def test_at_least_ten_actions_per_axis_in_every_orientation(catalogue: Catalogue) -> None:
    per_axis = Counter(a.meta.axe for a in catalogue.of_kind("action"))
    per_orientation = Counter(a.meta.orientation for a in catalogue.of_kind("action"))
    for axe in catalogue.of_kind("axe"):
        assert per_axis[axe.id] >= 10, axe.id
        assert 3 <= len(axe.meta.orientations) <= 5, axe.id
        for orientation in axe.meta.orientations:
            assert 2 <= len(orientation.objectifs) <= 4, orientation.id
            assert per_orientation[orientation.id] >= 1, orientation.id


def test_the_first_methods_are_there(catalogue: Catalogue) -> None:
    for card_id in (
        "enquete-collective",
        "exposition-evolutive",
        "porte-a-porte-des-besoins",
        "residence-courte-intensive",
        "residence-longue-immersive",
        "diagnostic-partage",
        "instance-participative-transition",
        "atelier-sensibilisation-climat",
        "mise-en-recit-podcast",
        "balade-sensible",
        "auto-evaluation-capitalisation",
    ):
        assert catalogue.cards[card_id].kind == "methode", card_id


def test_every_method_step_list_uses_tool_sheets(catalogue: Catalogue) -> None:
    for method in catalogue.of_kind("methode"):
        assert any(step.outils for step in method.meta.etapes), method.id


METHOD_TOOLS = {
    "enquete-collective": {
        "modele-questionnaire-enquete",
        "briefing-enqueteurs-benevoles",
        "note-consentement-rgpd",
        "carnet-suivi-entretiens",
        "grille-debriefing-entretien",
        "atelier-analyse-collective",
    },
    "exposition-evolutive": {
        "gabarit-panneau-exposition",
        "checklist-installation-exposition",
        "recueil-reactions-visiteurs",
        "panneau-chiffre-local",
    },
}


@pytest.mark.parametrize(("method_id", "tools"), sorted(METHOD_TOOLS.items()))
def test_a_method_s_steps_lead_to_the_tools_made_for_it(
    catalogue: Catalogue, method_id: str, tools: set[str]
) -> None:
    """A reader following the steps finds every tool sheet written for the method."""
    reached = {tool for step in catalogue.cards[method_id].meta.etapes for tool in step.outils}
    assert tools <= set(catalogue.cards), sorted(tools - set(catalogue.cards))
    assert sorted(tools - reached) == [], f"{method_id} : outils qu'aucune étape ne cite"


def test_a_card_a_checked_feedback_record_used_is_not_an_idea(catalogue: Catalogue) -> None:
    """« Idée » means no commune is known to have done it: a feedback record that used the card
    shows the contrary. Records still « à vérifier » are left out: their link to a card may rest
    on unchecked notes (gironde-strategie-resilience says so of atelier-prospective-et-si)."""
    wrong = sorted(
        f"{record.id} → {card_id}"
        for record in catalogue.of_kind("retour")
        if record.meta.verification != "a-verifier"
        for card_id in record.meta.fiches
        if catalogue.cards[card_id].meta.maturite == "idee"
    )
    assert wrong == [], f"fiches classées « idée » alors qu'un retour vérifié les a utilisées : {wrong}"


def test_every_feedback_record_and_example_has_a_source(catalogue: Catalogue) -> None:
    for record in catalogue.of_kind("retour"):
        assert record.meta.sources, record.id
        if record.meta.grille is not None:  # scored by its carrier or from the sources, and said so
            assert record.meta.grille.rempli_par and len(record.meta.grille.commentaire) > 80, record.id
    for action in catalogue.of_kind("action"):
        for example in action.meta.exemples:
            assert example.source.titre, action.id


def test_every_action_cites_at_least_one_source(catalogue: Catalogue) -> None:
    """An action states facts (a law, a figure, a real organisation): it cites where they come from."""
    without = sorted(action.id for action in catalogue.of_kind("action") if not action.meta.sources)
    assert without == [], f"actions sans source (champ sources vide) : {without}"


def test_practical_cards_fill_what_users_filter_on(catalogue: Catalogue) -> None:
    for kind in ("methode", "outil", "action"):
        for card in catalogue.of_kind(kind):
            m = card.meta
            assert m.besoins and m.porteurs and m.publics and m.communes, card.id
            assert len(m.resume) <= 400 and m.compostabilite, card.id


def test_at_least_five_sourced_actions_help_people_get_around(catalogue: Catalogue) -> None:
    """Mobility weighs heavily in a rural commune's emissions: the « mobilite » orientation of the
    energy axis holds at least five actions, each citing where its facts come from."""
    axis = next(a for a in catalogue.of_kind("axe") if a.id == "resilience-energetique")
    assert "mobilite" in {o.id for o in axis.meta.orientations}
    mobility = [
        a
        for a in catalogue.of_kind("action")
        if a.meta.axe == "resilience-energetique" and a.meta.orientation == "mobilite"
    ]
    assert len(mobility) >= 5, sorted(a.id for a in mobility)
    assert all(a.meta.sources for a in mobility), [a.id for a in mobility if not a.meta.sources]


# Provenance (issue 17): credit only what is true.
# A structure is credited as a contributor (field structures) only for a card it wrote or
# reviewed itself, with the evidence here (the commit, message or page that shows it). None
# today: the cards were written by the commons' team from the partners' project document and
# public sources; a structure whose approach inspired a card is named in d_apres instead.
CONTRIBUTIONS: dict[str, dict[str, str]] = {}


def test_no_card_credits_a_structure_that_did_not_contribute(catalogue: Catalogue) -> None:
    for card in catalogue.cards.values():
        for structure in getattr(card.meta, "structures", []):
            assert structure in CONTRIBUTIONS.get(card.id, {}), (card.id, structure)


def test_a_card_inspired_by_a_structure_names_the_document(catalogue: Catalogue) -> None:
    inspired = [c for c in catalogue.cards.values() if getattr(c.meta, "d_apres", [])]
    assert len(inspired) >= 20
    for card in inspired:
        for entry in card.meta.d_apres:
            assert len(entry.document.split()) >= 4, card.id


def test_no_review_date_is_shared_by_more_than_half_the_cards(catalogue: Catalogue) -> None:
    """relu_le is the date someone checked a card's facts against its sources, not a date
    stamped on every card at once."""
    cards = [c for c in catalogue.cards.values() if c.kind != "axe"]
    dates = Counter(c.meta.relu_le for c in cards if getattr(c.meta, "relu_le", None))
    assert dates, "no card reviewed at all"
    assert max(dates.values()) <= len(cards) // 2, dates.most_common(1)


def test_the_pages_about_provenance_say_what_is_true() -> None:
    resilience = (ROOT / "docs/resilience.md").read_text("utf-8")
    assert "transmis par les partenaires" not in resilience
    contributors = (ROOT / "docs/contributeurs.md").read_text("utf-8")
    assert "Chaque fiche indique les structures qui y ont contribué" not in contributors
    assert "Aucune de ces structures n'a rédigé ni relu les fiches" in contributors
    assert "appel à communs" in contributors
    reuse = (ROOT / "docs/reutiliser.md").read_text("utf-8")
    assert "(La Traverse, Les Localos), licence" not in reuse


def test_feedback_records_fit_the_audience(catalogue: Catalogue) -> None:
    """Issue 17's floor: 25 records placed in named communes (INSEE code, a population with its
    year — the record's or the official list's — and a source with an address), 12 of them in
    communes under 2,000 inhabitants, and 5 that fill in the self-evaluation grid."""
    from terreau.core import communes
    from terreau.derive.finder import record_population

    records = catalogue.of_model(Retour)
    placed = [
        r
        for r in records
        if r.meta.lieu.communes
        and all((p := communes.population(c)) and (p.officielle or p.annee) for c in r.meta.lieu.communes)
        and any(s.url for s in r.meta.sources)
    ]
    small = [r.id for r in placed if (record_population(r.meta) or 10**9) < 2000]
    assert len(placed) >= 25, sorted(r.id for r in records if r not in placed)
    assert len(small) >= 12, small
    assert sum(1 for r in records if r.meta.grille is not None) >= 5
