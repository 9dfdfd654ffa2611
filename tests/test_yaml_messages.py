"""YAML mistakes are reported where they were made, and valid YAML is never refused.

libyaml notices an unclosed quote where the next quote closes it, an open ``[`` at the
next field, and a tab as "a character that cannot start any token". Each case below
changes the valid test card and checks the code and the line reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from terreau.core import yamlsafe
from terreau.core.loader import load_bytes

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
        # A quote inside a quoted value ends it early; reported at the value's line.
        pytest.param(TITRE, "titre: 'L'enquête collective'", ("YAML_APOSTROPHE", 3), id="apostrophe-start"),
        pytest.param(TITRE, "titre: 'Méthode d'essai'", ("YAML_APOSTROPHE", 3), id="apostrophe-middle"),
        pytest.param(TITRE, "titre: 'L'enquête d'essai'", ("YAML_APOSTROPHE", 3), id="two-apostrophes"),
        pytest.param(
            TITRE, "titre: 'L'enquête d''essai' # note", ("YAML_APOSTROPHE", 3), id="apostrophe-and-comment"
        ),
        pytest.param(TITRE, "titre: 'L'enquête d'essai", ("YAML_APOSTROPHE", 3), id="apostrophe-no-closing"),
        pytest.param(
            TITRE, 'titre: "Le « café "réparation" »"', ("YAML_APOSTROPHE", 3), id="double-in-double"
        ),
        pytest.param(TITRE, 'titre: ""Réparation" café"', ("YAML_APOSTROPHE", 3), id="double-at-start"),
        pytest.param(
            RESUME, "resume: 'Une méthode\n  pour l'essai'", ("YAML_APOSTROPHE", 4), id="apostrophe-2nd-line"
        ),
        pytest.param(
            "  - titre: Première étape",
            "  - titre: 'L'étape'",
            ("YAML_APOSTROPHE", 14),
            id="apostrophe-nested",
        ),
        pytest.param(BESOINS, "besoins: ['l'agir', mobiliser]", ("YAML_APOSTROPHE", 5), id="in-flow"),
        # A backslash between double quotes that starts no known escape.
        pytest.param(TITRE, 'titre: "voir \\o/"', ("YAML_ECHAPPEMENT", 3), id="backslash-unknown"),
        pytest.param(TITRE, 'titre: "C:\\Users"', ("YAML_ECHAPPEMENT", 3), id="backslash-U-path"),
        pytest.param(TITRE, 'titre: "code \\x4g"', ("YAML_ECHAPPEMENT", 3), id="backslash-x-no-hex"),
        pytest.param(
            COMPOST,
            'compostabilite: "Se réutilise,\n  voir \\o/"',
            ("YAML_ECHAPPEMENT", 13),
            id="backslash-2nd-line",
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
        pytest.param(TITRE, "titre: 'L''enquête'", id="doubled-apostrophe"),
        pytest.param(TITRE, "titre: 'Il dit ''oui'''", id="doubled-apostrophe-at-the-end"),
        pytest.param(TITRE, 'titre: "L\'enquête"', id="apostrophe-in-double-quotes"),
        pytest.param(TITRE, 'titre: "a \\"b\\""', id="escaped-double-quotes"),
        pytest.param(TITRE, 'titre: "\\u00e9"', id="unicode-escape"),
        pytest.param(TITRE, 'titre: "C:\\\\Users"', id="doubled-backslash"),
        pytest.param(TITRE, "titre: 'C:\\Users'", id="backslash-in-single-quotes"),
        pytest.param(TITRE, "titre: L'enquête", id="plain-apostrophe"),
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
        # A value closed on its line, then an indented line: no quote inside the value.
        pytest.param(TITRE, "titre: 'Méthode'\n  d'essai", 4, id="text-after-a-closed-value"),
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
    ("text", "code", "params"),
    [
        ("a: 'L'enquête'", "YAML_APOSTROPHE", {"signe": "l'apostrophe"}),
        ('a: "le "café""', "YAML_APOSTROPHE", {"signe": 'le guillemet « " »'}),
        ('a: "voir \\o/"', "YAML_ECHAPPEMENT", {"suite": "o"}),
        ('a: "C:\\Users"', "YAML_ECHAPPEMENT", {"suite": "Us"}),
        ('a: "\\x4g"', "YAML_ECHAPPEMENT", {"suite": "x4g"}),
        ('a: "\\x"', "YAML_ECHAPPEMENT", {"suite": "x"}),
        ('a: "\\uD800"', "YAML_ECHAPPEMENT", {"suite": "uD800"}),
        ('a: "\\\\\\o"', "YAML_ECHAPPEMENT", {"suite": "o"}),  # \\ is right, \o is not
    ],
)
def test_params_of_a_spoilt_quoted_value(text: str, code: str, params: dict[str, str]) -> None:
    with pytest.raises(yamlsafe.YamlProblem) as err:
        yamlsafe.read(text)
    assert (err.value.code, err.value.line) == (code, 1)
    assert params.items() <= err.value.params.items()


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a: '[x]\nb:{ c\nd: l'e\n", id="apostrophe"),
        pytest.param('a: "x\nb:{ c\nd: C:\\Users\n', id="backslash"),
    ],
)
def test_a_quote_running_over_fields_is_not_blamed_on_what_ends_it(text: str) -> None:
    # The quote on line 1 is left open (line 2 would hide it from the unclosed-quote check):
    # the apostrophe or backslash on line 3 only ends it.
    with pytest.raises(yamlsafe.YamlProblem) as err:
        yamlsafe.read(text)
    assert err.value.code == "YAML_SYNTAXE"


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
