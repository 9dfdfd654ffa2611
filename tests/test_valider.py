"""`terreau valider` on the shipped cards: exit codes, formats, and the YAML traps.

One fixture per error code lives in tests/fixtures/erreurs/ (see test_codes_erreur.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from terreau.cli import main
from terreau.core.catalogue import build

ROOT = Path(__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["valider", *args])
    out = capsys.readouterr().out
    return code, [line for line in out.splitlines() if line]


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def mutate(docs: Path, rel: str, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in a card; return the line where the change lands."""
    path = docs / rel
    text = path.read_text("utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    path.write_text(text, "utf-8")
    return line_of(text, new.split("\n")[0]) if new else 0


def test_shipped_cards_are_valid(capsys: pytest.CaptureFixture[str]) -> None:
    catalogue = build(ROOT / "docs", display_root=ROOT)
    assert catalogue.problems == []
    kinds = {c.kind for c in catalogue.cards.values()}
    assert {"methode", "outil", "action", "retour", "axe"} <= kinds
    assert {"enquete-collective", "exposition-evolutive"} <= set(catalogue.cards)


def test_valid_tree_exits_zero(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["valider"])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out == ""
    assert "aucun problème" in captured.err


M = "methodes/enquete-collective.md"
E = "methodes/exposition-evolutive.md"
R = "retours/boischaut-sud-enquete-collective.md"


def test_unknown_axis(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = mutate(docs, E, "axes: [autonomie-solidarite]", "axes: [solidarite]")
    code, out = run(capsys)
    assert code == 1
    assert out == [
        f"docs/{E}:{line}: REFERENCE_INCONNUE axes[1] : la fiche « solidarite » n'existe pas. "
        "Vouliez-vous dire « autonomie-solidarite » ?"
    ]


def test_dangling_reference_from_feedback(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = mutate(docs, R, "fiches: [enquete-collective]", "fiches: [enquete-colective]")
    code, out = run(capsys)
    assert code == 1
    assert out == [
        f"docs/{R}:{line}: REFERENCE_INCONNUE fiches[1] : la fiche « enquete-colective » "
        "n'existe pas. Vouliez-vous dire « enquete-collective » ?"
    ]


def test_every_broken_file_is_reported_at_once(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mutate(docs, M, "axes: []", "axe: []")
    mutate(docs, E, "maturite: experimente", "maturite: experimente\nrelu_le: 2026-13-01")
    (docs / "outils/vide.md").write_text("", "utf-8")
    code, out = run(capsys)
    assert code == 1
    assert [line.split(":")[0] for line in out] == [f"docs/{M}", f"docs/{E}", "docs/outils/vide.md"]


# --- YAML surprises: each is an error or the text the contributor wrote ---------------------


def test_sexagesimal_is_text_not_a_number(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = mutate(docs, M, "duree: {min: 2, max: 4, unite: mois}", "duree: {min: 1:30, unite: heure}")
    code, out = run(capsys)
    assert out == [
        f"docs/{M}:{line}: TYPE duree.min : un nombre entier attendu, trouvé le texte « 1:30 ». "
        "Écrivez le nombre en chiffres, sans guillemets."
    ]
    assert code == 1


def test_insee_code_keeps_its_leading_zero(docs: Path) -> None:
    mutate(
        docs,
        R,
        '    - nom: La Châtre\n      insee: "36046"',
        "    - nom: Ambérieu-en-Bugey\n      insee: 01004",
    )
    catalogue = build(docs)
    assert catalogue.problems == []
    assert catalogue.cards["boischaut-sud-enquete-collective"].meta.lieu.communes[0].insee == "01004"


def test_bom_and_crlf_are_accepted(docs: Path) -> None:
    path = docs / M
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert build(docs).problems == []


def test_github_annotations(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = mutate(docs, M, "axes: []", "axe: []")
    code, out = run(capsys, "--format", "github")
    assert code == 1
    assert out == [
        f"::error file=docs/{M},line={line},title=CHAMP_INCONNU::CHAMP_INCONNU axe : champ "
        "inconnu. Vouliez-vous dire « axes » ?"
    ]


def test_json_output(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = mutate(docs, M, "axes: []", "axe: []")
    assert main(["valider", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data == [
        {
            "fichier": f"docs/{M}",
            "ligne": line,
            "code": "CHAMP_INCONNU",
            "gravite": "erreur",
            "champ": "axe",
            "message": "champ inconnu",
            "conseil": "Vouliez-vous dire « axes » ?",
        }
    ]


def test_paths_narrow_the_report(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mutate(docs, M, "axes: []", "axe: []")
    mutate(docs, E, "cout: moyen", "cout: gratuit")
    code, out = run(capsys, f"docs/{E}")
    assert code == 1
    assert len(out) == 1 and out[0].startswith(f"docs/{E}:")


def test_help_is_french(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["valider", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("utilisation : terreau valider")
    assert "codes de sortie" in out
    assert main(["inconnue"]) == 2
    assert "erreur : argument COMMANDE : choix invalide" in capsys.readouterr().err
    assert main(["nouveau"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("utilisation : terreau nouveau") and "usage" not in err
    assert "arguments obligatoires manquants : TYPE" in err


def test_french_help_changes_no_other_program(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse is shared by every program in the process: only terreau's parser is French."""
    import argparse

    main(["valider", "--help"])
    other = argparse.ArgumentParser(prog="autre")
    assert other.format_usage().startswith("usage: autre")


def test_every_command_has_help_and_is_in_the_readme() -> None:
    from terreau.cli import _parser

    readme = (ROOT / "README.md").read_text("utf-8")
    sub = next(a for a in _parser()._actions if a.dest == "commande")
    for name, parser in sub.choices.items():  # type: ignore[union-attr]
        assert parser.description, name
        assert f"terreau {name}" in readme, name
        for action in parser._actions:
            assert action.help, (name, action.dest)


def test_a_warning_never_blocks_and_a_card_may_silence_it_with_a_reason(
    docs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = docs / M
    card.write_text(card.read_text("utf-8") + "\nSalle des fêtes : 05 49 12 34 56.\n", "utf-8")
    code, out = run(capsys)
    assert code == 0 and len(out) == 1 and " TELEPHONE (avertissement) " in out[0]
    assert build(docs).errors == [] and "enquete-collective" in build(docs).cards
    text = card.read_text("utf-8")
    if "\nignorer: [" in text:  # the card already silences another warning: one more
        text = text.replace("\nignorer: [", "\nignorer: [TELEPHONE, ", 1)
    else:
        silence = "\nignorer: [TELEPHONE]\nraison: Numéro public de la salle.\ntitre:"
        text = text.replace("\ntitre:", silence, 1)
    card.write_text(text, "utf-8")
    assert run(capsys) == (0, [])
    # An error cannot be silenced.
    card.write_text(text.replace("ignorer: [TELEPHONE", "ignorer: [CHAMP_INCONNU, TELEPHONE"), "utf-8")
    code, out = run(capsys)
    assert code == 1 and out[0].split(": ", 2)[1].startswith("IGNORER ignorer[1]")


def test_a_site_with_warnings_builds_and_says_them(
    docs: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    from conftest import build_site

    caplog.set_level(logging.INFO)
    card = docs / M
    card.write_text(card.read_text("utf-8") + "\nSalle des fêtes : 05 49 12 34 56.\n", "utf-8")
    build_site(docs, tmp_path / "site")
    assert (tmp_path / "site" / M.replace(".md", ".html")).exists()
    assert "TELEPHONE (avertissement)" in caplog.text
