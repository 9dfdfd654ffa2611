"""YAML mistakes are reported where they were made, and valid YAML is never refused.

libyaml notices an unclosed quote where the next quote closes it, an open ``[`` at the
next field, and a tab as "a character that cannot start any token". Each case below
changes the valid test card and checks the code and the line reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from terreau import yamlsafe
from terreau.loader import load_bytes

CARD = (Path(__file__).parent / "fixtures/base/methodes/methode-essai.md").read_text("utf-8")


def problems(old: str, new: str) -> list[tuple[str, int]]:
    assert old in CARD, old
    text = CARD.replace(old, new, 1)
    _, found = load_bytes(text.encode("utf-8"), "methodes/methode-essai.md", "docs/methodes/methode-essai.md")
    return [(p.code, p.line) for p in found]


TITRE = "titre: Méthode d'essai"  # line 3
RESUME = "resume: Une méthode pour les tests."  # line 4
BESOINS = "besoins: [mobiliser]"  # line 5
DUREE = "duree: {min: 1, unite: mois}"  # line 8
COMPOST = "compostabilite: Se réutilise telle quelle."  # line 12
OUTILS = "    outils: [outil-essai]"  # line 15


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(TITRE, 'titre: "Méthode', ("YAML_GUILLEMET", 3), id="double-to-end"),
        pytest.param(TITRE, "titre: 'Méthode", ("YAML_GUILLEMET", 3), id="single-to-end"),
        pytest.param(RESUME, 'resume: "Une méthode', ("YAML_GUILLEMET", 4), id="double-at-the-end"),
        pytest.param(
            RESUME,
            'resume: "Une méthode pour les tests.\nmots_cles: [a]\nauteurs: "Une',
            ("YAML_GUILLEMET", 4),
            id="closed-by-a-later-line",
        ),
        pytest.param(
            f"  - titre: Première étape\n{OUTILS}",
            '  - titre: "Première étape\n    outils: ["outil-essai"]',
            ("YAML_GUILLEMET", 14),
            id="closed-by-a-later-line-nested",
        ),
        pytest.param(
            BESOINS, "besoins: [mobiliser, agir", ("YAML_CROCHET", 5), id="bracket-then-more-fields"
        ),
        pytest.param(
            BESOINS, "besoins: [mobiliser, agir  # note", ("YAML_CROCHET", 5), id="bracket-then-comment"
        ),
        pytest.param(DUREE, "duree: {min: 1, unite: mois", ("YAML_CROCHET", 8), id="brace"),
        pytest.param(BESOINS, "besoins: [mobiliser, {b: c]", ("YAML_CROCHET", 5), id="nested-flow"),
        pytest.param(
            BESOINS, "besoins: [mobiliser,\n  agir", ("YAML_CROCHET", 5), id="bracket-over-two-lines"
        ),
        pytest.param(OUTILS, "\toutils: [outil-essai]", ("YAML_TABULATION", 15), id="tab-as-indentation"),
        pytest.param(OUTILS, "  \toutils: [outil-essai]", ("YAML_TABULATION", 15), id="tab-after-spaces"),
        pytest.param(
            "  - titre: Première",
            "  -\ttitre: Première",
            ("YAML_TABULATION", 14),
            id="tab-after-dash",
        ),
        pytest.param(
            COMPOST,
            "compostabilite: |\n  Se réutilise\n\ttelle quelle.",
            ("YAML_TABULATION", 14),
            id="tab-in-block-indentation",
        ),
    ],
)
def test_mistake_is_reported_at_its_line(old: str, new: str, expected: tuple[str, int]) -> None:
    assert problems(old, new) == [expected]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(TITRE, 'titre: "Méthode\n  d\'essai"', id="double-quoted-over-two-lines"),
        pytest.param(TITRE, "titre: 'Méthode\n  d''essai'", id="single-quoted-over-two-lines"),
        pytest.param(BESOINS, "besoins: [mobiliser,\n  agir]", id="flow-list-over-two-lines"),
        pytest.param(DUREE, "duree: {min: 1,\n  unite: mois}", id="flow-table-over-two-lines"),
        pytest.param(TITRE, "titre:\tMéthode", id="tab-after-colon"),
        pytest.param(TITRE, 'titre: "Méthode # essai"', id="hash-in-quotes"),
        pytest.param(TITRE, "titre: Méthode \"d'essai", id="quote-inside-plain-text"),
        pytest.param(COMPOST, 'compostabilite: |\n  Se réutilise\n  \t"telle quelle.', id="block-text"),
    ],
)
def test_valid_yaml_is_accepted(old: str, new: str) -> None:
    assert problems(old, new) == []


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        pytest.param(TITRE, "titre: Méthode: essai", 3, id="colon"),
        # A valid multi-line value ahead of the mistake is not blamed for it.
        pytest.param(TITRE, 'titre: "Méthode\n  d\'essai"\nresume: Une: deux', 5, id="after-quoted-text"),
        pytest.param(BESOINS, "besoins: [mobiliser,\n  agir]\nresume: Une: deux", 7, id="after-flow-list"),
        # Closed on its line, then more: not an unclosed bracket.
        pytest.param(BESOINS, 'besoins: [mobiliser, "agir" x]', 5, id="junk-in-a-closed-list"),
    ],
)
def test_other_mistakes_keep_the_syntax_message(old: str, new: str, line: int) -> None:
    assert problems(old, new) == [("YAML_SYNTAXE", line)]


def test_params_name_the_character() -> None:
    with pytest.raises(yamlsafe.YamlProblem) as err:
        yamlsafe.read("a: 1\nb: 'x\n", first_line=2)
    assert (err.value.code, err.value.line, err.value.params) == ("YAML_GUILLEMET", 3, {"guillemet": "'"})
    with pytest.raises(yamlsafe.YamlProblem) as err:
        yamlsafe.read("a: {b: [c\nd: 1\n", first_line=2)
    assert (err.value.code, err.value.line, err.value.params) == (
        "YAML_CROCHET",
        2,
        {"ouvrant": "[", "fermant": "]"},
    )


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("a: b: c", "deux-points inattendu"),
        ("a: b\nc\nd: e", "il manque le deux-points"),
        ("a: `b", "caractère inattendu"),
        ("a:\n  b: c\n d: e", "indentation incohérente ou champ mal formé"),
        ("- 'a' b", "élément de liste mal indenté"),
        ("a: 'b", "fin de texte inattendue"),
        ('a: "\\o"', "caractère d'échappement inconnu"),
        ('a: "\\xg"', "chiffres hexadécimaux attendus"),
        ('a: "\\uD800"', "code Unicode invalide"),
    ],
)
def test_libyaml_problems_are_translated(text: str, detail: str) -> None:
    # Through the translation table alone: the diagnosis may name most of these better.
    with pytest.raises(yaml.MarkedYAMLError) as err:
        for _ in yaml.parse(text, Loader=yamlsafe._Loader):
            pass
    assert yamlsafe._translate(err.value.problem).startswith(detail)
