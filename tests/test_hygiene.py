"""Text hygiene (see terreau/hygiene.py): control, bidirectional and invisible characters are
refused in every string field of every model and in the body, at the right line and field;
NFC everywhere; the CSV writer quotes and neutralises whatever it is given."""

from __future__ import annotations

import csv
import io
import json
import types
import typing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import build_site
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.exceptions import Abort
from terreau.core import hygiene
from terreau.core.loader import Card, load_bytes
from terreau.core.models import FOLDERS, MODELS, Methode, Strict
from terreau.core.problems import field_name
from terreau.derive import export

# --- Every string field of every model, and a complete valid card of each kind -------------


def _leaves(annotation: Any) -> list[Any]:
    """The types a field may hold, through Annotated, unions and lists (a list as ("list", t))."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _leaves(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for a in typing.get_args(annotation) if a is not type(None) for t in _leaves(a)]
    if origin is list:
        return [("list", t) for t in _leaves(typing.get_args(annotation)[0])]
    return [annotation]


def string_paths(model: type[Strict], prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every path to a text in a card of ``model``, a list's first item standing for all."""
    found = []
    for name, info in model.model_fields.items():
        for leaf in _leaves(info.annotation):
            path: tuple[str | int, ...] = (*prefix, name)
            while isinstance(leaf, tuple):
                path, leaf = (*path, 0), leaf[1]
            if isinstance(leaf, type) and issubclass(leaf, Strict):
                found += string_paths(leaf, path)
            elif leaf is str or leaf is date or typing.get_origin(leaf) is typing.Literal:
                found.append(path)
    return found


COMMON = {
    "titre": "Titre d'essai",
    "resume": "Un résumé d'essai.",
    "structures": ["Association d'essai"],
    "d_apres": [{"structure": "Association d'essai", "document": "Sa fiche projet, 2021."}],
    "auteurs": ["Camille Essai"],
    "licence": "CC-BY-SA-4.0",
    "sources": [{"titre": "Source d'essai", "url": "https://exemple.org/a", "editeur": "Éditeur"}],
    "liens": ["autre-fiche"],
    "mots_cles": ["essai"],
    "relu_le": "2024-03-15",
    "ignorer": ["TELEPHONE"],
    "raison": "Le numéro cité est celui d'un service public.",
}
PRACTICE = {
    "besoins": ["mobiliser"],
    "porteurs": ["association"],
    "publics": ["tout-public"],
    "duree": {"min": 1, "unite": "jour"},
    "cout": "nul",
    "difficulte": "facile",
    "maturite": "idee",
    "communes": ["moins-500"],
    "compostabilite": "Se réutilise.",
    "axes": ["axe-essai"],
}
SAMPLES: dict[str, dict[str, Any]] = {
    "methode": {
        "type": "methode",
        **COMMON,
        **PRACTICE,
        "etapes": [{"titre": "Étape", "description": "Ce qu'on fait.", "outils": ["outil-essai"]}],
    },
    "outil": {"type": "outil", **COMMON, **PRACTICE, "materiel": ["Des feutres"]},
    "action": {
        "type": "action",
        **COMMON,
        **{k: v for k, v in PRACTICE.items() if k != "axes"},
        "axe": "axe-essai",
        "orientation": "orientation-essai",
        "objectif": "objectif-essai",
        "horizon": "court",
        "competence": "Restauration scolaire",
        "cobenefices": ["Du lien"],
        "acteurs_ressources": [
            {"nom": "Une association", "role": "Conseille.", "url": "https://exemple.org"}
        ],
        "exemples": [
            {
                "lieu": "Une commune",
                "description": "Ce qui a été fait.",
                "source": {"titre": "Article", "url": "https://exemple.org/b", "editeur": "Journal"},
            }
        ],
    },
    "retour": {
        "type": "retour",
        **COMMON,
        "lieu": {
            "nom": "Pays d'essai",
            "intercommunalite": "Communauté d'essai",
            "communes": [{"nom": "Ajaccio", "insee": "2A004"}],
        },
        "periode": {"debut": "2021-03", "fin": "2022"},
        "structure_porteuse": "Association d'essai",
        "fiches": ["methode-essai"],
        "ce_qui_a_marche": ["Le repas."],
        "difficultes": ["La date."],
        "adaptations": ["Plus court."],
        "verification": "structure",
        "grille": {
            **dict.fromkeys(["mobilisation", "diversite", "cooperation", "connaissance", "action"], 1),
            "perennite": 1,
            "rempli_par": "Association d'essai",
            "commentaire": "Des notes.",
        },
    },
    "parcours": {
        "type": "parcours",
        **COMMON,
        "besoins": ["mobiliser"],
        "porteurs": ["association"],
        "communes": ["moins-500"],
        "duree": {"min": 2, "unite": "mois"},
        "etapes": [
            {"fiche": "methode-essai", "quand": "Mois 1", "pourquoi": "Pour commencer."},
            {"fiche": "outil-essai", "quand": "Mois 2"},
        ],
        "compostabilite": "Se découpe.",
    },
    "axe": {
        "type": "axe",
        "titre": "Axe d'essai",
        "resume": "Un axe.",
        "ignorer": ["TELEPHONE"],
        "raison": "Le numéro cité est celui d'un service public.",
        "orientations": [
            {
                "id": "orientation-essai",
                "titre": "Orientation",
                "description": "Ce qu'elle recouvre.",
                "objectifs": [{"id": "objectif-essai", "titre": "Objectif", "description": "Ce qu'il vise."}],
            }
        ],
    },
}
FIELDS = [(kind, path) for kind, model in MODELS.items() for path in string_paths(model)]


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _quote(text: str, escapes: dict[str, str]) -> str:
    """A YAML double-quoted scalar: ``escapes`` written as YAML escapes, the rest as is."""
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    for char, escape in escapes.items():
        out = out.replace(char, escape)
    return f'"{out}"'


def emit(
    data: dict[str, Any], escapes: dict[str, str] | None = None
) -> tuple[str, dict[tuple[str | int, ...], int]]:
    """A card whose front matter is block-style YAML, one scalar per line, every text
    double-quoted (``escapes`` written as YAML escapes); and the line of each path."""
    lines: list[str] = []
    where: dict[tuple[str | int, ...], int] = {}

    def scalar(value: Any) -> str:
        return _quote(value, escapes or {}) if isinstance(value, str) else json.dumps(value)

    def mapping(value: dict[str, Any], path: tuple[str | int, ...], indent: str, lead: str) -> None:
        for key, item in value.items():
            child = (*path, key)
            where[child] = len(lines) + 2  # the card's line 1 is « --- »
            if isinstance(item, dict):
                lines.append(f"{lead}{key}:")
                mapping(item, child, indent + "  ", indent + "  ")
            elif isinstance(item, list):
                lines.append(f"{lead}{key}:")
                sequence(item, child, indent + "  ")
            else:
                lines.append(f"{lead}{key}: {scalar(item)}")
            lead = indent

    def sequence(items: list[Any], path: tuple[str | int, ...], indent: str) -> None:
        for i, item in enumerate(items):
            where[(*path, i)] = len(lines) + 2
            if isinstance(item, dict):
                mapping(item, (*path, i), indent + "  ", indent + "- ")
            else:
                lines.append(f"{indent}- {scalar(item)}")

    mapping(data, (), "", "")
    return "---\n" + "\n".join(lines) + "\n---\n\nLe texte.\n", where


def load(kind: str, text: str) -> tuple[Card | None, list[Any]]:
    rel = f"{FOLDERS[kind]}/fiche-essai.md"
    return load_bytes(text.encode("utf-8"), rel, f"docs/{rel}")


def with_value(kind: str, path: tuple[str | int, ...], value: str) -> dict[str, Any]:
    data = json.loads(json.dumps(SAMPLES[kind]))
    parent = _get(data, path[:-1])
    parent[path[-1]] = value
    return data


def test_samples_hold_every_text_field_and_are_valid() -> None:
    for kind, path in FIELDS:
        assert isinstance(_get(SAMPLES[kind], path), str), (kind, path)
    for kind in MODELS:
        card, problems = load(kind, emit(SAMPLES[kind])[0])
        assert problems == [] and card is not None, kind


def test_every_text_field_is_either_one_line_or_multi_line() -> None:
    names = {next(p for p in reversed(path) if isinstance(p, str)) for _kind, path in FIELDS}
    assert not hygiene.ONE_LINE & hygiene.MULTI_LINE
    assert names == hygiene.ONE_LINE | hygiene.MULTI_LINE


# (character, YAML escape, code, its French name in the message)
CHARACTERS = [
    ("\x00", "\\0", "CARACTERE_CONTROLE", "caractère nul, U+0000"),
    ("\x07", "\\a", "CARACTERE_CONTROLE", "sonnerie, U+0007"),
    ("\x1b", "\\e", "CARACTERE_CONTROLE", "échappement, U+001B"),
    ("\r", "\\r", "CARACTERE_CONTROLE", "retour chariot, U+000D"),
    ("\x85", "\\N", "CARACTERE_CONTROLE", "passage à la ligne suivante, U+0085"),
    ("\u202e", "\\u202E", "CARACTERE_INVISIBLE", "forçage droite-à-gauche, U+202E"),
    ("\u2066", "\\u2066", "CARACTERE_INVISIBLE", "isolat gauche-à-droite, U+2066"),
    ("\u200b", "\\u200B", "CARACTERE_INVISIBLE", "espace sans chasse, U+200B"),
    ("\ufeff", "\\uFEFF", "CARACTERE_INVISIBLE", "indicateur d'ordre des octets, U+FEFF"),
]
MESSAGES = {
    "CARACTERE_CONTROLE": "caractère de contrôle interdit ({})",
    "CARACTERE_INVISIBLE": "caractère invisible ou d'inversion du sens du texte interdit ({})",
}


@pytest.mark.parametrize(("kind", "path"), FIELDS, ids=[f"{k}:{field_name(p)}" for k, p in FIELDS])
def test_refused_characters_in_every_text_field(kind: str, path: tuple[str | int, ...]) -> None:
    original = _get(SAMPLES[kind], path)
    for char, escape, code, shown in CHARACTERS:
        value = original[:1] + char + original[1:]
        # Written raw in the file (a raw CR is a line break: only its escape exists), and as
        # a YAML escape in a double-quoted text.
        ways = {"escape": {char: escape}} if char == "\r" else {"raw": {}, "escape": {char: escape}}
        for way, escapes in ways.items():
            text, where = emit(with_value(kind, path, value), escapes)
            card, problems = load(kind, text)
            what = (way, repr(char))
            assert card is None, what
            assert [(p.code, p.field, p.line) for p in problems] == [(code, field_name(path), where[path])], (
                what
            )
            assert problems[0].message == MESSAGES[code].format(shown), what
            assert problems[0].hint.startswith("Supprimez-le : retapez le texte à la main"), what


@pytest.mark.parametrize(("kind", "path"), FIELDS, ids=[f"{k}:{field_name(p)}" for k, p in FIELDS])
def test_tabs_and_line_breaks_only_in_multi_line_fields(kind: str, path: tuple[str | int, ...]) -> None:
    original = _get(SAMPLES[kind], path)
    one_line = hygiene.is_one_line(path)
    for char, escapes, shown in [
        ("\t", {}, "tabulation, U+0009"),
        ("\n", {"\n": "\\n"}, "retour à la ligne, U+000A"),
    ]:
        text, where = emit(with_value(kind, path, original[:1] + char + original[1:]), escapes)
        card, problems = load(kind, text)
        if not one_line:
            assert problems == [] and card is not None, repr(char)
            continue
        assert [(p.code, p.field, p.line) for p in problems] == [
            ("CARACTERE_CONTROLE", field_name(path), where[path])
        ], repr(char)
        assert (
            problems[0].message == f"caractère de contrôle interdit dans un champ d'une seule ligne ({shown})"
        )


def test_one_line_fields_keep_what_yaml_blocks_add_at_their_ends() -> None:
    text = emit(SAMPLES["methode"])[0].replace('titre: "Titre d\'essai"', "titre: |\n  Titre d'essai\n")
    card, problems = load("methode", text)
    assert problems == [] and card is not None
    assert card.meta.titre == "Titre d'essai"


@pytest.mark.parametrize(("char", "escape"), [("\x07", "\\a"), ("\u202e", "\\u202E")])
def test_keys_are_checked_too(char: str, escape: str) -> None:
    for written in (char, escape):  # raw, and as a YAML escape
        text, where = emit(SAMPLES["methode"])
        card, problems = load("methode", text.replace("\ncout:", f'\n"co{written}ut":'))
        assert [(p.field, p.line) for p in problems] == [("cout", where[("cout",)])]


def test_raw_character_in_a_comment_points_at_its_line_and_the_field_above() -> None:
    text, where = emit(SAMPLES["methode"])
    text = text.replace('\ncout: "nul"', '\ncout: "nul"\n# une note \x07')
    _card, problems = load("methode", text)
    assert [(p.code, p.field, p.line) for p in problems] == [
        ("CARACTERE_CONTROLE", "cout", where[("cout",)] + 1)
    ]


def test_raw_character_and_a_yaml_error_are_both_reported_at_their_lines() -> None:
    text = "---\ntype: methode\ntitre: a\x07b\ncout: [nul\n---\n"
    _card, problems = load("methode", text)
    assert [(p.code, p.line) for p in problems] == [("CARACTERE_CONTROLE", 3), ("YAML_CROCHET", 4)]


def test_refused_characters_do_not_also_break_the_field() -> None:
    # The character is the one problem: without it the identifier is valid.
    text, where = emit(with_value("methode", ("liens", 0), "autre\x00-fiche"), {"\x00": "\\0"})
    _card, problems = load("methode", text)
    assert [(p.code, p.field) for p in problems] == [("CARACTERE_CONTROLE", "liens[1]")]


def test_line_separators_keep_later_lines_right() -> None:
    # YAML counts U+2028 and U+2029 as line breaks; the lines reported must not shift.
    data = with_value("methode", ("resume",), "Un\u2028deux\u2029trois")
    data["compostabilite"] = "Se\x07 réutilise."
    text, where = emit(data)
    _card, problems = load("methode", text)
    assert [(p.field, p.line) for p in problems] == [("compostabilite", where[("compostabilite",)])]
    # In a plain value too (YAML read it as a line break, and failed on the next « line »).
    text = emit({**data, "compostabilite": "Oui."})[0]
    card, problems = load("methode", text.replace('titre: "Titre d\'essai"', "titre: Titre\u2028d'essai"))
    assert problems == [] and card is not None
    assert card.meta.resume == "Un\u2028deux\u2029trois" and card.meta.titre == "Titre\u2028d'essai"


# --- The body ----------------------------------------------------------------------------


def body_problems(body: str) -> list[tuple[str, int]]:
    text = emit(SAMPLES["methode"])[0] + body
    first = text.count("\n") + 1 - body.count("\n")
    _card, problems = load("methode", text)
    return [(p.code, p.line - first + 1) for p in problems if not p.field]


def test_body_refuses_controls_and_invisible_characters_at_their_line() -> None:
    body = "Un.\nDeux \x00 nul.\nTrois.\nQuatre \x1b[31m rouge.\n\u202eCinq.\nSix\u200b.\n"
    assert body_problems(body) == [
        ("CARACTERE_CONTROLE", 2),
        ("CARACTERE_CONTROLE", 4),
        ("CARACTERE_INVISIBLE", 5),
        ("CARACTERE_INVISIBLE", 6),
    ]


def test_body_refuses_character_references_that_stand_for_refused_characters() -> None:
    body = "a &#x202E; b\nc &rlm; d\ne &#27; f\ng &#0 h\ni &ZeroWidthSpace; j\nk &#128; l\n"
    assert body_problems(body) == [
        ("CARACTERE_INVISIBLE", 1),
        ("CARACTERE_INVISIBLE", 2),
        ("CARACTERE_CONTROLE", 3),
        ("CARACTERE_CONTROLE", 4),
        ("CARACTERE_INVISIBLE", 5),
        ("CARACTERE_CONTROLE", 6),
    ]


def test_body_keeps_joiners_soft_hyphens_tabs_and_their_references() -> None:
    body = (
        "Une agricultrice 👩\u200d🌾 et un drapeau 🏳️\u200d🌈.\n"
        "Anti\u00adconstitutionnellement, &shy; &zwj; &zwnj; &amp; &eacute; &#233;.\n"
        "\tcode indenté\n"
    )
    text = emit(SAMPLES["methode"])[0] + body
    card, problems = load("methode", text)
    assert problems == [] and card is not None
    assert "\u200d" in card.body and "\u00ad" in card.body


def test_scan_text_reports_lines_from_the_first_line_given() -> None:
    problems = hygiene.scan_text("# Page\n\nTexte \u2066caché\u2069.\n", 5, "docs/a-propos.md")
    assert [p.format_text() for p in problems] == [
        "docs/a-propos.md:7: CARACTERE_INVISIBLE caractère invisible ou d'inversion du sens du texte "
        "interdit (isolat gauche-à-droite, U+2066). Supprimez-le : retapez le texte à la main ou "
        "collez-le sans mise en forme. Ces caractères font afficher autre chose que ce qui est écrit ; "
        "seuls le liant et l'antiliant sans chasse (émojis composés) et le trait d'union conditionnel "
        "sont permis, dans le texte de la fiche seulement."
    ]


def test_text_is_published_in_nfc() -> None:
    decomposed = "Compost partage\u0301"
    text = emit(with_value("methode", ("titre",), decomposed))[0] + "Le re\u0301sume\u0301.\n"
    card, problems = load("methode", text)
    assert problems == [] and card is not None
    exported = export._json([export.record(card)])  # what fiches.json holds
    assert "Compost partagé" in exported and "Le résumé." in exported and "\u0301" not in exported


# --- The CSV writer, whatever it is given -------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_CELLS = [
    "Compost\r=1+2",
    "Compost\n=1+2",
    "Compost\r\n@SUM(A1)",
    '=HYPERLINK("https://exemple.org","clic")',
    "+33 1 23",
    "-2+3",
    "@cmd",
    "\t=1",
    "\r=1",
    "a\r\r-b",
    'guillemet " seul',
    "virgule, point-virgule ; fin",
    "\n\n",
    "ligne\u2028séparée",
    "",
]


def fake_card(i: int, titre: str, resume: str) -> Card:
    """A card the validator never saw (model_construct skips every check)."""
    meta = Methode.model_construct(titre=titre, resume=resume, structures=[titre, resume])
    return Card(f"fiche-{i}", "methode", f"methodes/fiche-{i}.md", "", meta, "", 1, {})


def check_csv(cards: list[Card]) -> None:
    text = export._csv([c[0] for c in export.CARD_COLUMNS], (export._card_row(c) for c in cards))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(cards) + 1
    assert [r[2] for r in rows[1:]] == [export.safe_cell(c.meta.titre) for c in cards]
    for row in rows:
        for cell in row:
            for line in cell.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
                assert not line.startswith(FORMULA_STARTS), repr(cell)


def test_csv_quotes_and_neutralises_hostile_cells() -> None:
    cards = [fake_card(i, cell, cell[::-1]) for i, cell in enumerate(HOSTILE_CELLS)]
    check_csv(cards)
    assert export.safe_cell("Compost\r=1+2") == "Compost\r'=1+2"
    assert export.csv_line(["Compost\r'=1+2", "b"]) == '"Compost\r\'=1+2",b\n'


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=40), st.text(max_size=40)), min_size=1, max_size=8))
def test_csv_of_any_titles_has_one_row_per_card(texts: list[tuple[str, str]]) -> None:
    check_csv([fake_card(i, t, r) for i, (t, r) in enumerate(texts)])


# --- A real build refuses such cards, and the shipped site holds no such character --------


def test_build_fails_with_the_french_errors(
    docs: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    m = docs / "methodes/enquete-collective.md"
    text = m.read_text("utf-8")
    m.write_text(text.replace("titre: Enquête collective", 'titre: "Enquête\\r=1+2"', 1), "utf-8")
    o = next(p for p in sorted((docs / "outils").glob("*.md")) if p.name != "index.md")
    lines = o.read_text("utf-8").split("\n")
    t = next(i for i, line in enumerate(lines) if line.startswith("titre: "))
    lines[t] = lines[t].replace("titre: ", "titre: \u202e", 1)
    lines.append("Un caractère nul \x00 ici.")
    o.write_bytes("\n".join(lines).encode("utf-8"))
    with pytest.raises(Abort):
        build_site(docs, tmp_path / "site")
    log = caplog.text
    assert "3 problème(s) dans 2 fichier(s)" in log
    line = text.split("\n").index("titre: Enquête collective") + 1
    assert (
        f"docs/methodes/enquete-collective.md:{line}: CARACTERE_CONTROLE titre : caractère de contrôle "
        "interdit (retour chariot, U+000D). Supprimez-le : retapez le texte à la main" in log
    )
    assert (
        f"docs/outils/{o.name}:{t + 1}: CARACTERE_INVISIBLE titre : caractère invisible ou d'inversion "
        "du sens du texte interdit (forçage droite-à-gauche, U+202E). Supprimez-le" in log
    )
    assert (
        f"docs/outils/{o.name}:{len(lines)}: CARACTERE_CONTROLE caractère de contrôle interdit "
        "(caractère nul, U+0000)" in log
    )


# In text files, TAB, LF and CR are whitespace; everything else of C0 and C1 is not.
_FORBIDDEN = (hygiene.CONTROL - {0x09, 0x0A, 0x0D}) | hygiene.BIDI
FORBIDDEN = {chr(c) for c in _FORBIDDEN}


def test_built_site_has_no_control_or_bidirectional_character(site: Path) -> None:
    checked = 0
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".json", ".csv", ".js", ".xml") and path.is_file():
            text = path.read_text("utf-8")
            found = FORBIDDEN.intersection(text)
            assert not found, (path.relative_to(site).as_posix(), sorted(f"U+{ord(c):04X}" for c in found))
            checked += 1
    assert checked > 300
