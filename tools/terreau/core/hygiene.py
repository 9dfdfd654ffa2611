"""Text hygiene: which characters a card may hold, field by field, and where a refused one is.

A pull request is untrusted input that CI builds and publishes: a character that cannot be
seen must not change what a reader sees, a spreadsheet runs or a script parses.

Every card is decoded, then normalised to NFC (« é » written as e + U+0301 becomes U+00E9),
front matter and body alike. Then:

* **Control characters** (U+0000–U+001F, U+007F, U+0080–U+009F) are refused everywhere,
  in front-matter keys and values (written raw in the file or produced by a YAML escape
  such as ``"\\r"``, ``"\\x07"``, ``"\\0"``, ``"\\e"``, ``"\\N"``) and in the body — except
  the tabulation and the line feed in the body and in the multi-line text fields
  (``MULTI_LINE``). The one-line fields (``ONE_LINE``: titles, names,
  identifiers, vocabulary terms, addresses, dates; and every key) refuse them too, after
  the outer spaces and line breaks a YAML block leaves are removed (the models strip them).
  A carriage return never reaches this module raw: decoding turns CR and CRLF into LF.
* **Bidirectional controls** (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) are
  refused everywhere: French text never needs them, and they make a text display as
  something it is not.
* **Invisible format characters** (U+200B, U+200C, U+200D, U+2060–U+2064, U+FEFF after the
  file's start, U+180E, U+00AD) are refused in every front-matter key and value. In the
  body, three are allowed, because a real text needs them: the zero-width joiner and
  non-joiner (U+200D, U+200C: emoji sequences such as 👩‍🌾, and some scripts) and the soft
  hyphen (U+00AD: a French hyphenation hint in a long word).
* In the body, HTML character references are decoded as a browser would (``&#x202E;``,
  ``&rlm;``, ``&#1;``): the sanitiser turns them into the characters themselves, so they
  obey the same rule as the characters.

Problems use two catalogue codes, CARACTERE_CONTROLE and CARACTERE_INVISIBLE, at the line
of the character when it is written raw, at the field's line when a YAML escape made it,
and name the field (empty for the body). This module has no MkDocs import: ``scan_text``
also serves for the site's own pages.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from terreau.core import yamlsafe
from terreau.core.problems import Problem, field_name, problem

TAB, LF = 0x09, 0x0A
CONTROL = frozenset([*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)])
BIDI = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
INVISIBLE = frozenset([0x200B, 0x200C, 0x200D, *range(0x2060, 0x2065), 0xFEFF, 0x180E, 0x00AD])
# Allowed in the body only: emoji sequences and some scripts need the joiners, French
# hyphenation hints the soft hyphen.
BODY_INVISIBLE = frozenset([0x200C, 0x200D, 0x00AD])

# Front-matter fields by name (the last key of a path; list indexes do not count). A name
# means the same everywhere in the models; tests check every string field is listed once.
# Multi-line: prose that may hold paragraphs (a block « |» keeps its line breaks).
MULTI_LINE = frozenset(
    {
        "adaptations",
        "ce_qui_a_marche",
        "cobenefices",
        "commentaire",
        "compostabilite",
        "description",
        "difficultes",
        "document",
        "pourquoi",
        # Three lines for elected officials: a contributor may break them as lines.
        "raison",
        "resume",
        "role",
    }
)
# One line: titles, names, identifiers and references, vocabulary terms,
# addresses, dates and codes. A key, or a name not listed here, is one line too.
ONE_LINE = frozenset(
    {
        "ignorer",
        "auteurs",
        "axe",
        "axes",
        "besoins",
        "communes",
        "competence",
        "cout",
        "debut",
        "difficulte",
        "editeur",
        "fiche",
        "fiches",
        "fin",
        "horizon",
        "id",
        "insee",
        "intercommunalite",
        "licence",
        "liens",
        "lieu",
        "materiel",
        "maturite",
        "mots_cles",
        "nom",
        "objectif",
        "orientation",
        "outils",
        "porteurs",
        "publics",
        "quand",
        "relu_le",
        "rempli_par",
        "structure",
        "structure_porteuse",
        "structures",
        "titre",
        "type",
        "unite",
        "url",
        "verification",
    }
)

NAMES = {
    0x00: "caractère nul",
    0x07: "sonnerie",
    0x08: "retour arrière",
    0x09: "tabulation",
    0x0A: "retour à la ligne",
    0x0B: "tabulation verticale",
    0x0C: "saut de page",
    0x0D: "retour chariot",
    0x1B: "échappement",
    0x7F: "suppression",
    0x85: "passage à la ligne suivante",
    0x00AD: "trait d'union conditionnel",
    0x061C: "marque de lettre arabe",
    0x180E: "séparateur de voyelles mongol",
    0x200B: "espace sans chasse",
    0x200C: "antiliant sans chasse",
    0x200D: "liant sans chasse",
    0x200E: "marque gauche-à-droite",
    0x200F: "marque droite-à-gauche",
    0x202A: "enchâssement gauche-à-droite",
    0x202B: "enchâssement droite-à-gauche",
    0x202C: "dépilement de formatage directionnel",
    0x202D: "forçage gauche-à-droite",
    0x202E: "forçage droite-à-gauche",
    0x2060: "gluon de mots",
    0x2061: "application de fonction",
    0x2062: "multiplication invisible",
    0x2063: "séparateur invisible",
    0x2064: "plus invisible",
    0x2066: "isolat gauche-à-droite",
    0x2067: "isolat droite-à-gauche",
    0x2068: "isolat de direction première forte",
    0x2069: "dépilement d'isolat directionnel",
    0xFEFF: "indicateur d'ordre des octets",
}


def _class(codes: frozenset[int]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(codes)) + "]")


# What each place refuses: a one-line field, a multi-line field, the body.
_ONE_LINE = _class(CONTROL | BIDI | INVISIBLE)
_MULTI_LINE = _class((CONTROL - {TAB, LF}) | BIDI | INVISIBLE)
_BODY = _class((CONTROL - {TAB, LF}) | BIDI | (INVISIBLE - BODY_INVISIBLE))
# A character reference, as html.unescape finds them (the semicolon is optional in HTML).
_REFERENCE = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
# Raw refused characters of the front matter are replaced by a marker before YAML reads it
# (PyYAML's reader refuses some and would only say « syntax error » at the first line): the
# marker of U+xxxx is U+Fxxxx, a private-use character YAML accepts, so that the values
# that hold markers say which field each character was in. The line and paragraph
# separators (allowed) go to YAML as markers too, and come back as they were: YAML counts
# them as line breaks, which shifted every line number after them.
_MARK = 0xF0000
_KEPT = frozenset([0x2028, 0x2029])
_TO_MARK = _class((CONTROL - {TAB, LF}) | BIDI | INVISIBLE | _KEPT)


def normalise(text: str) -> str:
    """The text in NFC, the form every card is read, checked and published in."""
    return unicodedata.normalize("NFC", text)


def _problem(src: str, line: int, field: str, char: str, one_line: bool = False) -> Problem:
    code = ord(char)
    name = NAMES.get(code)
    shown = f"{name}, U+{code:04X}" if name else f"U+{code:04X}"
    if code in CONTROL:
        here = " dans un champ d'une seule ligne" if one_line and code in (TAB, LF) else ""
        return problem(src, line, "CARACTERE_CONTROLE", field, caractere=shown, ici=here)
    return problem(src, line, "CARACTERE_INVISIBLE", field, caractere=shown)


def _first_of_each_code(chars: list[str]) -> list[str]:
    """The first control and the first invisible character among ``chars``."""
    found: dict[bool, str] = {}
    for char in chars:
        found.setdefault(ord(char) in CONTROL, char)
    return list(found.values())


def scan_text(text: str, first_line: int, src: str) -> list[Problem]:
    """Problems in Markdown text (a card's body, or a page of the site), at their lines.

    The body's rule: controls other than tabulation and line feed, bidirectional controls
    and invisible characters other than the joiners and the soft hyphen are refused,
    written as such or as an HTML character reference. One problem per line and code.
    """
    problems: dict[tuple[int, str], Problem] = {}

    def add(offset: int, char: str) -> None:
        line = first_line + text.count("\n", 0, offset)
        found = _problem(src, line, "", char)
        problems.setdefault((line, found.code), found)

    for match in _BODY.finditer(text):
        add(match.start(), match.group())
    if "&" in text:
        for match in _REFERENCE.finditer(text):
            refused = _BODY.search(_referenced(match.group()))
            if refused:
                add(match.start(), refused.group())
    return sorted(problems.values())


def _referenced(reference: str) -> str:
    """What a character reference may stand for: its character as HTML decodes it, and for
    a numeric one its code point as written (HTML keeps most controls, maps some, and
    ``html.unescape`` drops some: both are checked)."""
    decoded = html.unescape(reference)
    if reference.startswith("&#"):
        digits = reference[2:].rstrip(";")
        number = int(digits[1:], 16) if digits[:1] in "xX" else int(digits)
        if number <= 0x10FFFF:
            decoded += chr(number)
    return decoded


@dataclass
class Front:
    """Front matter with its raw refused characters replaced by markers, for YAML to read."""

    text: str
    found: list[tuple[int, str]]  # (line, character) of every refused character replaced
    first_line: int
    marked: bool = False  # whether the text holds markers (of refused or kept characters)


def mark(front: str, first_line: int) -> Front:
    """Replace each character the front matter refuses anywhere (and each line or paragraph
    separator) by its marker."""
    found = []
    marked = False
    for match in _TO_MARK.finditer(front):
        marked = True
        if ord(match.group()) not in _KEPT:
            found.append((first_line + front.count("\n", 0, match.start()), match.group()))
    if not marked:
        return Front(front, [], first_line)
    text = _TO_MARK.sub(lambda m: chr(_MARK + ord(m.group())), front)
    return Front(text, found, first_line, marked=True)


def _is_mark(char: str) -> bool:
    return _MARK <= ord(char) <= _MARK + 0xFFFF


def _unmark(text: str) -> str:
    """The text without markers of refused characters, with the kept characters back."""
    if not any(map(_is_mark, text)):
        return text
    out = []
    for c in text:
        if not _is_mark(c):
            out.append(c)
        elif ord(c) - _MARK in _KEPT:
            out.append(chr(ord(c) - _MARK))
    return "".join(out)


def _is_marked(text: str) -> bool:
    """Whether the text holds the marker of a refused character."""
    return any(_is_mark(c) and ord(c) - _MARK not in _KEPT for c in text)


def raw_problems(front: Front, src: str) -> list[Problem]:
    """The raw characters of a front matter YAML could not read: their lines, no field."""
    problems: dict[tuple[int, str], Problem] = {}
    for line, char in front.found:
        found = _problem(src, line, "", char)
        problems.setdefault((line, found.code), found)
    return sorted(problems.values())


def _strings(value: Any, path: yamlsafe.Path = ()) -> Iterator[tuple[yamlsafe.Path, str, bool]]:
    """Every text of a YAML value, keys included: (path, text, is a key)."""
    if isinstance(value, str):
        yield path, value, False
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield (*path, key), key, True
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*path, i))


def is_one_line(path: yamlsafe.Path) -> bool:
    """Whether the field at ``path`` holds one line (see ONE_LINE and MULTI_LINE)."""
    name = next((p for p in reversed(path) if isinstance(p, str)), "")
    return name not in MULTI_LINE


def check_front(parsed: yamlsafe.Parsed, front: Front, src: str) -> list[Problem]:
    """Problems in a front matter's keys and values; the values are then left without them.

    Raw characters (replaced by markers before YAML read the text) are reported at their
    own line, in the field whose value holds them (else the nearest field above, as for a
    comment); characters made by YAML escapes, and line breaks and tabulations in one-line
    fields, at the field's line. Refused characters are then removed from the values, so
    that the models judge what remains without a second message for the same character.
    """
    problems: dict[tuple[int, str, str], Problem] = {}

    def add(found: Problem) -> None:
        problems.setdefault((found.line, found.field, found.code), found)

    holders: list[yamlsafe.Path] = []
    for path, text, is_key in _strings(parsed.value):
        if front.found and _is_marked(text):
            holders.append(path)
            text = _unmark(text)
        one_line = is_key or is_one_line(path)
        pattern = _ONE_LINE if one_line else _MULTI_LINE
        # The models strip the outer spaces and line breaks a YAML block leaves (« |»).
        checked = text if is_key else text.strip(" \t\n")
        for char in _first_of_each_code(pattern.findall(checked)):
            line = parsed.line_of(path, front.first_line)
            add(_problem(src, line, _name(path), char, one_line))
    for line, char in front.found:
        add(_problem(src, line, _name(_holder(parsed, holders, line)), char))
    if front.marked or problems:
        _clean(parsed)
    return sorted(problems.values())


def _name(path: yamlsafe.Path) -> str:
    """The field's name as contributors read it, without markers or refused characters."""
    return field_name(tuple(_clean_text(p, True) if isinstance(p, str) else p for p in path))


def _clean_text(text: str, one_line: bool) -> str:
    return (_ONE_LINE if one_line else _MULTI_LINE).sub("", _unmark(text))


def _holder(parsed: yamlsafe.Parsed, holders: list[yamlsafe.Path], line: int) -> yamlsafe.Path:
    """The field a raw character on ``line`` belongs to: the value holding a marker that
    starts on the nearest line at or above it (the deepest, on a tie: a flow mapping holds
    several fields on one line), else the nearest field above (for a comment, say)."""

    def last(paths: list[yamlsafe.Path]) -> yamlsafe.Path:
        above = [(parsed.lines[p], len(p), p) for p in paths if 0 < parsed.lines.get(p, 0) <= line]
        return max(above)[2] if above else ()

    nearest = last([p for p in parsed.lines if p])
    start = parsed.lines.get(nearest, 0)
    holder = last([p for p in holders if parsed.lines.get(p) == start])
    return holder or nearest


def _clean(parsed: yamlsafe.Parsed) -> None:
    """Remove markers and refused characters from every key and value, in place."""

    def clean(value: Any, path: yamlsafe.Path) -> Any:
        if isinstance(value, str):
            return _clean_text(value, is_one_line(path))
        if isinstance(value, list):
            return [clean(item, (*path, i)) for i, item in enumerate(value)]
        if isinstance(value, dict):
            return {
                (_clean_text(k, True) if isinstance(k, str) else k): clean(v, (*path, k))
                for k, v in value.items()
            }
        return value

    def clean_path(path: yamlsafe.Path) -> yamlsafe.Path:
        return tuple(_clean_text(p, True) if isinstance(p, str) else p for p in path)

    parsed.value = clean(parsed.value, ())
    parsed.lines = {clean_path(p): line for p, line in parsed.lines.items()}
