"""Random front matter never crashes the validator: every failure is a catalogued, located error;
and whatever text a card holds, once accepted it publishes no hidden character."""

from __future__ import annotations

import csv
import functools
import io
import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import markdown
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config
from terreau.core import hygiene
from terreau.core.loader import Card, load_bytes
from terreau.core.models import FOLDERS, MODELS
from terreau.core.problems import CATALOGUE
from terreau.derive import export, finder, search_index
from terreau.site import sanitize

KEYS = sorted({name for model in MODELS.values() for name in model.model_fields} | {"axe", "x"})
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.text(max_size=30),
    st.sampled_from(
        [
            "methode",
            "outil",
            "2024-02-30",
            "2024-03-15",
            "NO",
            "01053",
            "1:30",
            "faible",
            "mobiliser",
            "enquete-collective",
            "https://exemple.org",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=20,
)
front_matters = st.dictionaries(st.sampled_from(KEYS), values, max_size=12)
kinds = st.sampled_from(sorted(MODELS))


def check(data: bytes, rel: str) -> None:
    # A lone CR is a line break too (editors show it so; the loader reads it as LF).
    unix = data.replace(b"\r\n", b"\n")
    lines = max(1, unix.count(b"\n") + unix.count(b"\r") + 1)
    card, problems = load_bytes(data, rel, f"docs/{rel}")
    assert (card is None) == bool(problems)
    for p in problems:
        assert p.code in CATALOGUE
        assert 1 <= p.line <= lines
        assert p.path == f"docs/{rel}"
        assert p.format_text().startswith(f"docs/{rel}:{p.line}: {p.code} ")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matters, kinds, st.text(max_size=200))
def test_random_front_matter_gives_catalogued_errors(front: dict, kind: str, body: str) -> None:
    front = {"type": kind, **front} if kind != "axe" or front else front
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    folder = FOLDERS[kind]
    check(text.encode("utf-8"), f"{folder}/fiche-hasard.md")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_give_catalogued_errors(data: bytes) -> None:
    check(b"---\n" + data, "methodes/octets.md")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_random_yaml_text_gives_catalogued_errors(text: str) -> None:
    check(("---\n" + text + "\n---\n").encode("utf-8"), "outils/texte.md")


# --- Text hygiene: whatever the title and body, an accepted card publishes nothing hidden --

# Characters and fragments hygiene.py is about, mixed into arbitrary text.
TRICKY = [
    *"\x00\x07\x08\x0b\x0c\x1b\x1f\x7f\x85\x9b\r\t\n",
    *"\u061c\u200e\u200f\u202a\u202e\u2066\u2067\u2068\u2069",
    *"\u200b\u200c\u200d\u2060\u2064\ufeff\u180e\u00ad\u2028\u2029",
    "e\u0301",
    "👩\u200d🌾",
    "&#x202E;",
    "&#1;",
    "&#0",
    "&rlm;",
    "&shy;",
    "&zwj;",
    "&ZeroWidthSpace;",
    "=1+2",
    '"',
    "\\",
]
# Any text but control and format characters, with these fragments mixed in; a title or a
# summary is as often plain, so that many cards pass.
plain = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf")), max_size=8)
tricky = st.lists(st.one_of(plain, st.sampled_from(TRICKY)), min_size=1, max_size=6).map("".join)
one_line = st.one_of(plain, tricky).map(lambda text: "T" + text)


ONE_LINE_REFUSED = {chr(c) for c in hygiene.CONTROL | hygiene.BIDI | hygiene.INVISIBLE}
MULTI_LINE_REFUSED = ONE_LINE_REFUSED - {"\t", "\n"}
BODY_REFUSED = MULTI_LINE_REFUSED - {chr(c) for c in hygiene.BODY_INVISIBLE}


def _yaml_text(text: str, raw: bool) -> str:
    """A YAML double-quoted scalar: as JSON writes it (controls escaped), or with every
    character written as is."""
    if not raw:
        return json.dumps(text, ensure_ascii=False)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hygiene_card(title: str, summary: str, body: str, raw: bool) -> bytes:
    return (
        "---\ntype: methode\n"
        f"titre: {_yaml_text(title, raw)}\nresume: {_yaml_text(summary, raw)}\n"
        "besoins: [mobiliser]\nporteurs: [association]\npublics: [tout-public]\n"
        "duree: {min: 1, unite: jour}\ncout: nul\ndifficulte: facile\nmaturite: idee\n"
        f"compostabilite: {_yaml_text(summary, raw)}\n"
        f"etapes:\n  - titre: {_yaml_text(title, raw)}\n    description: {_yaml_text(summary, raw)}\n"
        f"---\n{body}\n"
    ).encode()


@functools.cache
def _markdown() -> markdown.Markdown:
    """Python-Markdown with the site's extensions, as MkDocs renders a card's body."""
    config = load_config(config_file=str(Path(__file__).parent.parent / "mkdocs.yml"))
    return markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _outputs_are_clean(card: Card) -> None:
    meta = card.meta
    for one_line in (meta.titre, meta.etapes[0].titre):  # a summary may break into lines
        assert not ONE_LINE_REFUSED.intersection(one_line), repr(one_line)
    # The export record (fiches.json): front matter and text.
    record = export.record(card)
    text = record.pop("texte")
    assert not BODY_REFUSED.intersection(text)
    for value in _texts(record):
        assert not MULTI_LINE_REFUSED.intersection(value), repr(value)
    # The CSV row (fiches.csv): one row, whatever the cells hold.
    table = export._csv([c[0] for c in export.CARD_COLUMNS], [export._card_row(card)])
    rows = list(csv.reader(io.StringIO(table, newline="")))
    assert len(rows) == 2
    for cell in rows[1]:
        assert not MULTI_LINE_REFUSED.intersection(cell), repr(cell)
    # The search index's terms and the result lists' titles and summaries.
    for terms in search_index.document(card, finder.labels(card)).values():
        for term in terms:
            assert not ONE_LINE_REFUSED.intersection(term), repr(term)
    for chunk in finder.chunks([card]):
        for row in chunk:
            for value in row:
                assert not MULTI_LINE_REFUSED.intersection(value), repr(value)
    # The body as the page shows it: Markdown, then the sanitiser.
    md = _markdown()
    html = sanitize.clean(md.reset().convert(card.body))
    assert not BODY_REFUSED.intersection(html), repr(html)
    assert unicodedata.is_normalized("NFC", meta.titre + card.body)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_line, one_line, tricky, st.booleans())
def test_accepted_cards_publish_no_hidden_character(title: str, summary: str, body: str, raw: bool) -> None:
    data = hygiene_card(title, summary, body, raw)
    check(data, "methodes/fiche-hasard.md")  # never raises; every problem is catalogued
    card, _problems = load_bytes(data, "methodes/fiche-hasard.md", "docs/methodes/fiche-hasard.md")
    if card is not None:
        _outputs_are_clean(card)


def test_hostile_text_is_accepted_only_when_clean() -> None:
    # The property above, for one card it must accept and one it must refuse.
    card, problems = load_bytes(
        hygiene_card("Titre", "Résumé", "Texte 👩\u200d🌾 anti\u00adcons\ttitutionnel", True),
        "methodes/fiche-hasard.md",
        "docs/methodes/fiche-hasard.md",
    )
    assert problems == [] and card is not None
    _outputs_are_clean(card)
    card, problems = load_bytes(
        hygiene_card("Ti\u202etre", "Résumé", "Texte", False), "methodes/x.md", "docs/methodes/x.md"
    )
    assert card is None and {p.code for p in problems} == {"CARACTERE_INVISIBLE"}
