"""The two trainings the founding document promises: the volunteer interviewers' module and the
elected officials' and collectives' training (a trainer's guide and a parcours whose booklet is the
trainer's printed kit). Both are reachable from the methods that use them, their programmes are
timed, their exercises are printable tool sheets, and both print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT
from pypdf import PdfReader
from terreau.core.catalogue import Catalogue, build

MODULE = "formation-enqueteurs-benevoles"
GUIDE = "guide-formateur-prise-en-main"
ROUTE = "former-elus-et-collectifs-aux-outils"

# A programme row: « | 9 h 00–9 h 30 | … | », spaces possibly non-breaking.
ROW = re.compile(r"^\|\s*(\d{1,2})\s+h\s+(\d{2})\s*–\s*(\d{1,2})\s+h\s+(\d{2})\s*\|(.*)$")
TOOL_LINK = re.compile(r"\]\(\.\./outils/([a-z0-9-]+)\.md\)")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return build(ROOT / "docs")


def sections(body: str) -> dict[str, str]:
    """The body cut at its level-2 headings: heading → text."""
    parts = re.split(r"^## (.+)$", body, flags=re.MULTILINE)
    return {title.strip(): text for title, text in zip(parts[1::2], parts[2::2], strict=True)}


def programme(text: str) -> list[tuple[int, int, str]]:
    """The timed rows of a section: (start, end) in minutes and the rest of the row."""
    rows = []
    for line in text.splitlines():
        if match := ROW.match(line):
            h1, m1, h2, m2, rest = match.groups()
            rows.append((int(h1) * 60 + int(m1), int(h2) * 60 + int(m2), rest))
    return rows


def assert_timed(rows: list[tuple[int, int, str]], at_least: int) -> None:
    """Every slot follows the one before it, with no gap and no overlap."""
    assert len(rows) >= at_least
    for (_, end, _), (start, finish, _) in zip(rows, rows[1:], strict=False):
        assert start == end and finish > start, (end, start)


def exercise_tools(rows: list[tuple[int, int, str]]) -> list[str]:
    return [tool for *_, rest in rows if "Exercice" in rest for tool in TOOL_LINK.findall(rest)]


def test_both_trainings_exist(catalogue: Catalogue) -> None:
    assert catalogue.cards[MODULE].kind == "methode"
    assert catalogue.cards[GUIDE].kind == "methode"
    assert catalogue.cards[ROUTE].kind == "parcours"


@pytest.mark.parametrize(
    ("card_id", "target", "folder"),
    [
        ("enquete-collective", MODULE, ""),
        ("briefing-enqueteurs-benevoles", MODULE, "../methodes/"),
        ("formation-action-elus", GUIDE, ""),
        ("formation-action-elus", ROUTE, "../parcours/"),
    ],
)
def test_the_methods_that_use_a_training_lead_to_it(
    catalogue: Catalogue, card_id: str, target: str, folder: str
) -> None:
    card = catalogue.cards[card_id]
    assert target in card.meta.liens
    assert f"]({folder}{target}.md)" in card.body


def test_the_briefing_no_longer_says_no_training_exists(catalogue: Catalogue) -> None:
    assert "ne remplace pas une vraie formation" not in catalogue.cards["briefing-enqueteurs-benevoles"].body


def test_the_interviewers_module_is_timed_and_its_exercises_are_tool_sheets(catalogue: Catalogue) -> None:
    module = catalogue.cards[MODULE]
    parts = sections(module.body)
    day = programme(parts["Programme proposé sur une journée"])
    half = programme(parts["Programme proposé sur une demi-journée"])
    assert_timed(day, 10)
    assert_timed(half, 6)
    assert 5 * 60 <= day[-1][1] - day[0][0] <= 9 * 60  # about a day, lunch included
    assert 3 * 60 <= half[-1][1] - half[0][0] <= 5 * 60
    exercises = set(exercise_tools(day))
    assert len(exercises) >= 3
    assert all(catalogue.cards[t].kind == "outil" for t in exercises)
    # The steps lead to the exercises and to the existing interview tools.
    stepped = {tool for step in module.meta.etapes for tool in step.outils}
    assert exercises | {"guide-entretien-semi-directif", "note-consentement-rgpd"} <= stepped
    assert {"carnet-suivi-entretiens", "grille-debriefing-entretien"} <= stepped
    assert "programme proposé" in " ".join(module.body.split())


def test_the_trainers_guide_has_two_timed_days_and_a_follow_up(catalogue: Catalogue) -> None:
    guide = catalogue.cards[GUIDE]
    parts = sections(guide.body)
    days = [programme(text) for title, text in parts.items() if title.startswith("Programme proposé : jour")]
    assert len(days) == 2
    for rows in days:
        assert_timed(rows, 8)
        assert all(catalogue.cards[t].kind == "outil" for t in exercise_tools(rows))
    assert len(exercise_tools(days[0]) + exercise_tools(days[1])) >= 6
    follow_up = parts["Le suivi proposé"]
    for when in ("À un mois", "À trois mois", "À six mois"):
        assert when in follow_up
    assert "Matériel" in parts


def test_the_parcours_booklet_holds_the_guide_and_every_exercise_sheet(catalogue: Catalogue) -> None:
    route = catalogue.cards[ROUTE]
    steps = [step.fiche for step in route.meta.etapes]
    assert steps[0] == GUIDE
    assert "formation-action-elus" in steps
    parts = sections(catalogue.cards[GUIDE].body)
    days = [text for title, text in parts.items() if title.startswith("Programme proposé")]
    used = {tool for text in days for tool in exercise_tools(programme(text))}
    assert used <= set(steps), sorted(used - set(steps))


def pdf_text(path: Path) -> str:
    """The PDF's text with its spaces (non-breaking ones too) made plain."""
    return " ".join("\n".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_the_parcours_booklet_prints_the_programme_of_both_days(site: Path) -> None:
    path = site / "parcours" / f"{ROUTE}-livret.pdf"
    assert len(PdfReader(path).pages) >= 15
    content = pdf_text(path)
    for heading in ("Programme proposé : jour 1", "Programme proposé : jour 2", "Le suivi proposé"):
        assert heading in content
    assert "9 h 00" in content and "Exercice 8" in content
    for title in ("Grille forces et fragilités", "Calendrier type", "Débat mouvant"):
        assert title in content


def test_the_interviewers_module_prints_its_programme(site: Path) -> None:
    content = pdf_text(site / "methodes" / f"{MODULE}.pdf")
    assert "Programme proposé sur une journée" in content
    assert "Programme proposé sur une demi-journée" in content
    assert "9 h 00–9 h 30" in content and "Exercice 4" in content
