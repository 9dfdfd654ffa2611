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

# PyYAML's problems are in English; contributors get these French renderings.
_SYNTAX_FR = [
    (
        "mapping values are not allowed",
        "deux-points inattendu ; mettez ce texte entre guillemets s'il contient « : »",
    ),
    ("could not find expected ':'", "il manque le deux-points après le nom du champ"),
    ("found character '\\t' that cannot start any token", "tabulation interdite : indentez avec des espaces"),
    ("found character", "caractère inattendu"),
    ("did not find expected key", "indentation incohérente ou champ mal formé"),
    ("did not find expected '-' indicator", "élément de liste mal indenté"),
    ("found unexpected end of stream", "fin de texte inattendue (guillemet non refermé ?)"),
    ("found unknown escape character", "caractère d'échappement inconnu après « \\ »"),
    ("expected <block end>, but found", "indentation incohérente"),
    ("while scanning a quoted scalar", "guillemet non refermé"),
    ("found undefined alias", "alias YAML inconnu"),
    ("expected a single document", "un seul bloc YAML est attendu"),
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

    try:
        events = iter(list(yaml.parse(text, Loader=_Loader)))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        at = (mark.line + 1 + offset) if mark is not None else first_line
        raise YamlProblem("YAML_SYNTAXE", at, detail=_translate(err.problem)) from None
    except yaml.YAMLError as err:  # e.g. a control character the reader refuses
        raise YamlProblem("YAML_SYNTAXE", first_line, detail=_translate(str(err))) from None

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
