"""A strict YAML reader for front matter: plain values, line numbers for every node, no surprises.

YAML 1.1 (what PyYAML implements) turns `no`, `off` or `on` into booleans, `01053` into
a number, `1:30` into 90 and silently keeps the last of two identical keys. Contributors
do not expect any of that, so this reader builds values from the parser's events itself:

* a quoted value is always text;
* a plain value is ``None`` when empty, ``~`` or ``null``; a boolean only when written
  ``true`` or ``false``; an integer only when written in decimal without a leading zero
  (``01053`` stays the text ``"01053"``); anything else is the text as written
  (``NO``, ``oui``, ``off``, ``1:30``, ``1e3``, ``2024-02-30``…). Dates stay text here and
  are checked by the models.
* duplicate keys, anchors and aliases (``&``, ``*``) and tags (``!…``) are refused.

Every value's line is recorded under its path (a tuple of keys and list indexes), so
that a problem found later by the models points at the exact line, nested items included.

libyaml often reports a mistake where it notices it, not where it was made: a quote left
open swallows the following lines until the next quote, and an open ``[`` is noticed at
the next field; an apostrophe inside a value between apostrophes (``'L'enquête'``)
ends it early, and so does a ``"`` inside ``"…"``. On a syntax error, :func:`_diagnose`
looks for the usual causes (a tab in the indentation, a quote or bracket left open on its
line, a quote inside a quoted value, a backslash between double quotes that starts no
escape) and names the line to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # The C parser is ~9x faster; fall back to pure Python where libyaml is missing.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}

# PyYAML's problems are in English; contributors get these French renderings. Only the
# parser's problems can show here: the composer's (undefined alias, several documents)
# never run, read() builds the values itself.
_SYNTAX_FR = [
    (
        "mapping values are not allowed",
        "deux-points inattendu ; mettez ce texte entre guillemets s'il contient « : »",
    ),
    ("could not find expected ':'", "il manque le deux-points après le nom du champ"),
    # First match wins: this one (pure-Python parser; libyaml names no character) goes first.
    ("found character '\\t' that cannot start any token", "tabulation interdite : indentez avec des espaces"),
    ("found character", "caractère inattendu"),
    ("did not find expected key", "indentation incohérente ou champ mal formé"),
    ("did not find expected '-' indicator", "élément de liste mal indenté"),
    ("found unexpected end of stream", "fin de texte inattendue (guillemet non refermé ?)"),
    ("found unknown escape character", "caractère d'échappement inconnu après « \\ »"),
    (
        "did not find expected hexdecimal number",
        "chiffres hexadécimaux attendus après « \\x », « \\u » ou « \\U »",
    ),
    ("found invalid Unicode character escape code", "code Unicode invalide après « \\u » ou « \\U »"),
    ("expected <block end>, but found", "indentation incohérente"),  # pure-Python parser
]


class YamlProblem(Exception):
    """A YAML construct we refuse, with its 1-based line and a catalogue code."""

    def __init__(self, code: str, line: int, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.line = line
        self.params = params


@dataclass
class Parsed:
    """The value read from YAML, and the line of every node in it."""

    value: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path, default: int) -> int:
        """The line of the deepest known node on ``path``."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return default


def _translate(problem: str | None) -> str:
    problem = problem or ""
    for english, french in _SYNTAX_FR:
        if english in problem:
            return french
    return "structure incorrecte"


_CLOSER = {"[": "]", "{": "}"}
_INDENT = re.compile(r"(?:[ \t]|[-?](?=[ \t]|\Z))*")  # leading blanks, "- " and "? " included
# A diagnosis parses the text again once per suspect line: at most this many characters
# in all, so that a hostile file cannot make it quadratic.
_REPARSE_BUDGET = 4_000_000


@dataclass
class _Unclosed:
    """A quote or bracket a line opens and leaves open: what closes it, and where."""

    code: str  # YAML_GUILLEMET or YAML_CROCHET
    opener: str
    insert: str
    at: int  # column where ``insert`` closes it


def _scan(row: str) -> tuple[_Unclosed | None, int]:
    """Read ``row`` alone as a line of YAML: what it leaves open, and where its code ends.

    The code ends before a trailing comment and the spaces ahead of it.
    """
    stack: list[str] = []
    token_start = True  # where a new value may begin: a quote there opens a quoted scalar
    after_quoted = False  # in a flow, "key":value needs no space after the colon
    i = 0
    while i < len(row):
        c = row[i]
        if c in " \t":
            i += 1
            continue
        if c == "#" and (i == 0 or row[i - 1] in " \t"):
            break
        if token_start and c in "\"'":
            j = i + 1
            while j < len(row):
                if c == '"' and row[j] == "\\":
                    j += 2
                    continue
                if row[j] == c:
                    if c == "'" and row[j + 1 : j + 2] == "'":
                        j += 2
                        continue
                    break
                j += 1
            if j >= len(row):
                closers = "".join(_CLOSER[o] for o in reversed(stack))
                return _Unclosed("YAML_GUILLEMET", c, c + closers, len(row)), len(row)
            i, token_start, after_quoted = j + 1, False, True
            continue
        if c in "[{" and (token_start or stack):
            stack.append(c)
            i, token_start = i + 1, True
            continue
        if token_start and c in "-?" and row[i + 1 : i + 2] in ("", " ", "\t"):
            i += 1
            continue
        if token_start and c in "&!":  # an anchor or a tag before a value
            while i < len(row) and row[i] not in " \t":
                i += 1
            continue
        if stack and c in "]}":
            expected = _CLOSER[stack[-1]]
            if c != expected:  # [a, {b: c] : the "{" is the one left open
                return _Unclosed("YAML_CROCHET", stack[-1], expected, i), len(row)
            stack.pop()
            i, token_start, after_quoted = i + 1, False, False
            continue
        if stack and c == ",":
            i, token_start = i + 1, True
            continue
        if c == ":" and (row[i + 1 : i + 2] in ("", " ", "\t") or (stack and after_quoted)):
            i, token_start, after_quoted = i + 1, True, False
            continue
        i, token_start, after_quoted = i + 1, False, False
    end = len(row[:i].rstrip(" \t"))
    if stack:
        closers = "".join(_CLOSER[o] for o in reversed(stack))
        return _Unclosed("YAML_CROCHET", stack[-1], closers, end), end
    return None, end


def _first_error(text: str) -> tuple[int, int] | None:
    """Where parsing ``text`` first fails, as (line, column) from 0; None if it parses."""
    try:
        for _ in yaml.parse(text, Loader=_Loader):
            pass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        return (mark.line, mark.column) if mark is not None else (0, 0)
    except yaml.YAMLError:
        return (0, 0)
    return None


def _fixes(rows: list[str], number: int, found: _Unclosed, error: tuple[int, int]) -> bool:
    """Whether closing ``found`` on line ``number`` lets the text parse past ``error``."""
    row = rows[number]
    fixed = row[: found.at] + found.insert + row[found.at :]
    after = _first_error("\n".join([*rows[:number], fixed, *rows[number + 1 :]]))
    if after is not None and after[0] == number and after[1] >= found.at:
        after = (number, after[1] - len(found.insert))
    return after is None or after > error


_QUOTES = ("'", '"')
# What may follow the quote that really ends a value: the end of the line, a comment, the
# next item of a flow, or the colon of a quoted key.
_AFTER_CLOSE = re.compile(r"[ \t]*(?:[,\]}]|:(?=[ \t]|\Z)|\Z)|[ \t]+#")
_SIGN = {"'": "l'apostrophe", '"': 'le guillemet « " »'}
_REMEDY = {
    "'": 'Entourez plutôt la valeur de guillemets doubles ("L\'enquête collective") '
    "ou doublez l'apostrophe ('L''enquête collective')",
    '"': "Écrivez plutôt les guillemets intérieurs à la française (« réparation ») "
    "ou entourez la valeur d'apostrophes ('Le café \"réparation\"')",
}
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}  # how many hexadecimal digits follow \x, \u, \U
_MAX_REPAIRS = 8  # closing quotes tried for one value


def _parses_past(text: str, line: int, column: int) -> bool:
    """Whether ``text`` parses, or fails only after (line, column), both from 0."""
    after = _first_error(text)
    return after is None or after > (line, column)


def _escape_inner(quote: str, inner: str) -> str:
    """``inner`` as it should be written between ``quote``s: its quotes doubled or escaped."""
    if quote == "'":
        return re.sub(r"''|'", "''", inner)  # a doubled '' is already right
    return re.sub(r'\\.|"', lambda m: '\\"' if m[0] == '"' else m[0], inner, flags=re.S)


def _escaped(row: str, at: int) -> bool:
    """Whether the character at ``at`` follows an odd run of backslashes."""
    run = len(row[:at]) - len(row[:at].rstrip("\\"))
    return run % 2 == 1


def _swallows(rows: list[str], first: int, last: int) -> bool:
    """Whether a quoted value from line ``first`` to ``last`` runs over the next fields.

    The lines of a value go on indented further than its first line; a line that is not
    reads as a field the value swallowed: the quote was left open, not spoilt.
    """
    indent = len(rows[first]) - len(rows[first].lstrip(" "))
    return any(
        row.strip() and len(row) - len(row.lstrip(" ")) <= indent for row in rows[first + 1 : last + 1]
    )


def _inner_quote(
    text: str, rows: list[str], err: yaml.MarkedYAMLError, parsed: list[yaml.Event], tries: int
) -> tuple[int, dict[str, str]] | None:
    """A quote inside a quoted value that ends it early: ``'L'enquête'``, ``"le "café""``.

    libyaml reads the value up to that quote (the last event read), then stops on what
    follows, on the same line. Escape the quotes inside, up to a later quote that can end
    the value or, outside a flow, up to the end of the line; if the text then parses past
    the error, that was the mistake. Returns the line where the value starts.
    """
    mark = err.problem_mark
    last = parsed[-1] if parsed else None
    if not (isinstance(last, yaml.ScalarEvent) and last.style in _QUOTES):
        return None
    start, end = last.start_mark, last.end_mark
    if start is None or end is None or mark is None or end.line != mark.line or mark.line >= len(rows):
        return None
    if _swallows(rows, start.line, end.line):
        return None
    quote, row = last.style, rows[mark.line]
    ends = [
        p
        for p in range(len(row) - 1, end.column - 1, -1)
        if row[p] == quote and _AFTER_CLOSE.match(row, p + 1) and not (quote == '"' and _escaped(row, p))
    ][:tries]
    if not (err.context or "").startswith("while parsing a flow") and len(ends) < tries:
        code_end = _scan(row)[1]
        if code_end > end.column and code_end - 1 not in ends:
            ends.append(code_end)  # no closing quote: add one there
    line_start = sum(len(r) + 1 for r in rows[: mark.line])
    opening = sum(len(r) + 1 for r in rows[: start.line]) + start.column
    for at in ends:
        cut = line_start + at
        rest = text[cut + 1 :] if row[at : at + 1] == quote else text[cut:]
        inner = _escape_inner(quote, text[opening + 1 : cut])
        fixed = text[: opening + 1] + inner + quote + rest
        column = len(fixed.split("\n")[mark.line]) - len(rest.split("\n")[0]) - 1
        if _parses_past(fixed, mark.line, column):
            return start.line, {"signe": _SIGN[quote], "remede": _REMEDY[quote]}
    return None


def _bad_escape(rows: list[str], err: yaml.MarkedYAMLError) -> tuple[int, dict[str, str]] | None:
    """A backslash between double quotes that starts no known escape: ``"C:\\Users"``.

    Double the backslash; if the text then parses past it, that was the mistake. Returns
    its line and what follows it: the letter, and after ``\\x``, ``\\u`` or ``\\U`` the
    digits read up to the first wrong one.
    """
    mark = err.problem_mark
    problem = err.problem or ""
    if mark is None or mark.line >= len(rows) or "quoted scalar" not in (err.context or ""):
        return None
    if "escape" not in problem and "hex" not in problem:
        return None
    opening = err.context_mark
    if opening is None or opening.line > mark.line or _swallows(rows, opening.line, mark.line):
        return None
    row = rows[mark.line]
    # libyaml marks the backslash itself, or the first digit after \x, \u or \U.
    for at in (mark.column, mark.column - 2):
        if at < 0 or row[at : at + 1] != "\\" or _escaped(row, at):
            continue
        fixed = [*rows[: mark.line], row[:at] + "\\" + row[at:], *rows[mark.line + 1 :]]
        if _parses_past("\n".join(fixed), mark.line, at + 1):
            return mark.line, {"suite": _escape_shown(row, at)}
    return None


def _escape_shown(row: str, at: int) -> str:
    """What follows the backslash at ``at``, as libyaml read it."""
    follows = row[at + 1 : at + 2]
    for c in row[at + 2 : at + 2 + _HEX_DIGITS.get(follows, 0)]:
        if c in ' \t"':
            break
        follows += c
        if c not in "0123456789abcdefABCDEF":
            break
    return follows


def _params(opener: str) -> dict[str, str]:
    if opener in _CLOSER:
        return {"ouvrant": opener, "fermant": _CLOSER[opener]}
    return {"guillemet": opener}


def _diagnose(
    text: str, err: yaml.MarkedYAMLError, parsed: list[yaml.Event]
) -> tuple[str, int, dict[str, str]] | None:
    """The likely cause of a syntax error, as (code, line from 0, params); None if unsure.

    ``parsed`` holds the events read before the error. Only ever called on a text that
    does not parse, so valid YAML is never reported.
    """
    mark = err.problem_mark
    if mark is None:
        return None
    rows = text.split("\n")
    error = (mark.line, mark.column)
    row = rows[mark.line] if mark.line < len(rows) else ""
    if row[mark.column : mark.column + 1] == "\t" and _INDENT.fullmatch(row[: mark.column]):
        return "YAML_TABULATION", mark.line, {}

    # A quote or bracket left open on its line: close it there; if the text then parses
    # past the error (or entirely), that was the mistake. Lines inside a value already
    # read (a block of text, a quoted text on several lines) cannot open anything.
    inside: set[int] = set()
    for event in parsed:
        if isinstance(event, yaml.ScalarEvent) and event.start_mark and event.end_mark:
            inside.update(range(event.start_mark.line + 1, event.end_mark.line))
    budget = _REPARSE_BUDGET
    for number in range(min(mark.line, len(rows) - 1) + 1):
        found = None if number in inside else _scan(rows[number])[0]
        if found is None:
            continue
        budget -= len(text)
        if budget < 0:
            break
        if _fixes(rows, number, found, error):
            return found.code, number, _params(found.opener)

    # A quoted value that a backslash or a quote inside it spoils.
    escape = _bad_escape(rows, err)
    if escape is not None:
        return "YAML_ECHAPPEMENT", *escape
    quote = _inner_quote(text, rows, err, parsed, min(_MAX_REPAIRS, max(budget, 0) // max(len(text), 1)))
    if quote is not None:
        return "YAML_APOSTROPHE", *quote

    # libyaml names the opening itself when a quote runs to the end of the text, or when
    # a list or a table opened on an earlier line runs into the next field.
    context = err.context_mark
    if context is None or context.line >= len(rows):
        return None
    opener = rows[context.line][context.column : context.column + 1]
    if err.context == "while scanning a quoted scalar" and "end of stream" in (err.problem or ""):
        return "YAML_GUILLEMET", context.line, _params(opener)
    if opener in _CLOSER and (err.context or "").startswith("while parsing a flow"):
        last = min(mark.line, len(rows)) - 1  # the list's last line, comments aside
        while last > context.line and _scan(rows[last])[1] == 0:
            last -= 1
        if context.line <= last and last not in inside:
            end = _scan(rows[last])[1]
            if _fixes(rows, last, _Unclosed("YAML_CROCHET", opener, _CLOSER[opener], end), error):
                return "YAML_CROCHET", context.line, _params(opener)
    return None


def _scalar(event: yaml.ScalarEvent) -> Any:
    text = event.value
    if event.style:  # quoted or block scalar: always text (plain is None or '')
        return text
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    return text


def read(text: str, first_line: int = 1) -> Parsed:
    """Read one YAML document; raise YamlProblem with a 1-based line on anything refused."""
    lines: dict[Path, int] = {}
    offset = first_line - 1

    def line(event: yaml.Event) -> int:
        mark = event.start_mark
        return (int(mark.line) if mark is not None else 0) + 1 + offset

    parsed: list[yaml.Event] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            parsed.append(event)
    except yaml.MarkedYAMLError as err:
        cause = _diagnose(text, err, parsed)
        if cause is not None:
            code, number, params = cause
            raise YamlProblem(code, number + 1 + offset, **params) from None
        mark = err.problem_mark or err.context_mark
        at = (mark.line + 1 + offset) if mark is not None else first_line
        raise YamlProblem("YAML_SYNTAXE", at, detail=_translate(err.problem)) from None
    except yaml.YAMLError as err:  # e.g. a control character the reader refuses
        raise YamlProblem("YAML_SYNTAXE", first_line, detail=_translate(str(err))) from None
    events = iter(parsed)

    def check(event: yaml.Event) -> None:
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlProblem("YAML_ALIAS", line(event))
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in ("!", "tag:yaml.org,2002:str"):
            raise YamlProblem("YAML_ETIQUETTE", line(event), etiquette=tag)

    def node(event: yaml.Event, path: Path) -> Any:
        check(event)
        lines[path] = line(event)
        if isinstance(event, yaml.ScalarEvent):
            return _scalar(event)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            for nxt in events:
                if isinstance(nxt, yaml.SequenceEndEvent):
                    return items
                items.append(node(nxt, (*path, len(items))))
        if isinstance(event, yaml.MappingStartEvent):
            mapping: dict[Any, Any] = {}
            for key_event in events:
                if isinstance(key_event, yaml.MappingEndEvent):
                    return mapping
                check(key_event)
                if not isinstance(key_event, yaml.ScalarEvent):
                    raise YamlProblem("ENTETE_NON_DICTIONNAIRE", line(key_event))
                key = key_event.value
                if (*path, key) in lines:
                    raise YamlProblem(
                        "YAML_CLE_DOUBLON",
                        line(key_event),
                        cle=key,
                        ligne_avant=lines[(*path, key)],
                    )
                mapping[key] = node(next(events), (*path, key))
                # The key's own line is what a contributor looks for, not its value's.
                lines[(*path, key)] = line(key_event)
        raise YamlProblem("YAML_SYNTAXE", line(event), detail="structure incorrecte")

    value: Any = None
    documents = 0
    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlProblem("YAML_SYNTAXE", line(event), detail="un seul bloc YAML est attendu")
            value = node(next(events), ())
    return Parsed(value, lines)
