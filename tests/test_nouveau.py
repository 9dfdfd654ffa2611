"""`terreau nouveau`: a valid card in the right folder, never over an existing file."""

from __future__ import annotations

from pathlib import Path

import pytest
from terreau.cli import main
from terreau.core.catalogue import build

CASES = [
    (
        "methode",
        ["--titre", "Balade sensible : « regarder » autrement"],
        "methodes/balade-sensible-regarder-autrement.md",
    ),
    ("outil", ["--titre", "Grille de débriefing"], "outils/grille-de-debriefing.md"),
    (
        "action",
        [
            "--titre",
            "Créer une grainothèque",
            "--axe",
            "resilience-alimentaire",
            "--orientation",
            "fermes-autonomes",
            "--objectif",
            "diversifier-productions",
        ],
        "actions/creer-une-grainotheque.md",
    ),
    (
        "retour",
        ["--titre", "Une enquête à Léaz", "--fiche", "enquete-collective"],
        "retours/une-enquete-a-leaz.md",
    ),
    (
        "parcours",
        ["--titre", "Démarrer", "--fiche", "exposition-evolutive", "--fiche", "enquete-collective"],
        "parcours/demarrer.md",
    ),
]


@pytest.mark.parametrize(("kind", "options", "expected"), CASES)
def test_scaffold_is_valid_as_written(
    docs: Path, capsys: pytest.CaptureFixture[str], kind: str, options: list[str], expected: str
) -> None:
    assert main(["nouveau", kind, *options]) == 0
    assert f"Fiche créée : docs/{expected}" in capsys.readouterr().out
    catalogue = build(docs)
    # A new action has no example nor source yet: the warning tells its author to add one.
    reminders = {"ACTION_SANS_EXEMPLE"} if kind == "action" else set()
    assert {p.code for p in catalogue.problems} == reminders
    assert not any(p.is_error for p in catalogue.problems)
    card = catalogue.by_path(expected)
    assert card is not None and card.kind == kind
    assert card.meta.titre == options[1]


def test_never_overwrites(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = docs / "outils/grille-de-debriefing.md"
    path.write_text("mon brouillon", "utf-8")
    assert main(["nouveau", "outil", "--titre", "Grille de débriefing"]) == 2
    assert "existe déjà" in capsys.readouterr().err
    assert path.read_text("utf-8") == "mon brouillon"


def test_refuses_an_identifier_already_taken(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nouveau", "outil", "--titre", "Enquête collective"]) == 2
    assert "déjà pris par docs/methodes/enquete-collective.md" in capsys.readouterr().err
    assert not (docs / "outils/enquete-collective.md").exists()


def test_refuses_unknown_references(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "nouveau",
                "action",
                "--titre",
                "X",
                "--axe",
                "resilience-alimentaire",
                "--orientation",
                "inconnue",
                "--objectif",
                "y",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "orientation « inconnue » inconnue dans l'axe « resilience-alimentaire »" in err
    assert main(["nouveau", "retour", "--titre", "X"]) == 2
    assert "au moins 1 fiche(s)" in capsys.readouterr().err


def test_asks_questions_in_a_terminal(
    docs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(
        ["Planter des haies", "resilience-alimentaire", "fermes-autonomes", "reduire-dependance-intrants"]
    )
    questions: list[str] = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda q: questions.append(q) or next(answers))
    assert main(["nouveau", "action"]) == 0
    assert questions[0] == "Titre de la fiche : "
    assert questions[1].startswith("Axe (autonomie-solidarite, resilience-alimentaire")
    assert build(docs).cards["planter-des-haies"].meta.objectif == "reduire-dependance-intrants"


def test_without_a_terminal_a_missing_title_is_an_error(
    docs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["nouveau", "methode"]) == 2
    assert "donnez un titre avec --titre" in capsys.readouterr().err
