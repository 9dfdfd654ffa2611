"""Read one card file: bytes → text → front matter + body → a validated model, or problems."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from terreau.core import communes, content_checks, hygiene, tree, yamlsafe
from terreau.core.models import FOLDERS, KIND_OF_FOLDER, MODELS, CardModel, Retour, is_slug
from terreau.core.problems import CATALOGUE, Problem, explain, problem

MAX_BYTES = 256 * 1024
_FENCE = re.compile(r"^---[ \t]*$")
_END_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")


M = TypeVar("M", bound=CardModel, covariant=True)


@dataclass(frozen=True)
class Card(Generic[M]):
    """A card that passed validation: its identity, typed front matter and Markdown body."""

    id: str
    kind: str
    rel_path: str  # POSIX path relative to docs/, e.g. "methodes/enquete-collective.md"
    src: str  # path as shown to contributors, e.g. "docs/methodes/enquete-collective.md"
    meta: M  # one of the models in terreau.models
    body: str
    body_line: int  # 1-based line of the body's first line in the file
    lines: dict[yamlsafe.Path, int]

    @functools.cached_property  # asked ~20 times per card per build (links, listings, index)
    def url(self) -> str:
        """The card's page address, relative to the site root: methodes/x.html."""
        return str(PurePosixPath(self.rel_path).with_suffix(".html"))

    def line_of(self, *path: str | int) -> int:
        parsed = yamlsafe.Parsed(None, self.lines)
        return parsed.line_of(tuple(path), 1)


AnyCard = Card[CardModel]  # a card of any kind: narrow with isinstance(card.meta, Model)


def kind_of(rel_path: str) -> str | None:
    """The kind of card a file holds, from its folder; None for a plain site page."""
    parts = PurePosixPath(rel_path).parts
    if len(parts) != 2 or parts[1] == "index.md" or not parts[1].endswith(".md"):
        return None
    return KIND_OF_FOLDER.get(parts[0])


class Utf16Error(UnicodeError):
    """A file saved as UTF-16 (its byte order mark says so)."""


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM; CRLF and CR become LF. Raises UnicodeError otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Utf16Error("UTF-16")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _encoding_problem(err: UnicodeError, data: bytes, src: str) -> Problem:
    if isinstance(err, Utf16Error):
        return problem(src, 1, "ENCODAGE", detail="UTF-16 détecté")
    start = int(getattr(err, "start", 0))
    line = data[:start].count(b"\n") + 1
    return problem(src, line, "ENCODAGE", detail=f"octet invalide ligne {line}")


def split(text: str) -> tuple[str, int, str, int] | None:
    """Split front matter from body: (yaml, yaml's first line, body, body's first line)."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return None
    for i in range(1, len(lines)):
        if _END_FENCE.match(lines[i]):
            return "\n".join(lines[1:i]), 2, "\n".join(lines[i + 1 :]), i + 2
    raise ValueError("unclosed")


def _read(path: Path, root: Path | None, src: str) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, read without following a link, inside ``root`` (its folder if None)."""
    try:
        return tree.read_regular(path, root or path.parent, MAX_BYTES), []
    except tree.TooLarge as err:
        return None, [problem(src, 1, "FICHIER_TROP_GROS", taille=err.size, limite=MAX_BYTES)]
    except OSError as err:
        return None, [problem(src, 1, "FICHIER_ILLISIBLE", detail=err.strerror or "erreur")]


def load_card(
    path: Path, rel_path: str, src: str, root: Path | None = None
) -> tuple[AnyCard | None, list[Problem]]:
    """Read and validate one card file. Never raises on bad content."""
    data, problems = _read(path, root, src)
    if data is None:
        return None, problems
    return load_bytes(data, rel_path, src)


def read_card(path: Path, src: str, root: Path | None = None) -> tuple[bytes | None, list[Problem]]:
    """A card file's bytes (read without following a link, inside ``root``), or its problems."""
    return _read(path, root, src)


def load_page(path: Path, root: Path, src: str) -> tuple[str | None, list[Problem]]:
    """Read one of the site's own pages (Markdown without front matter); its text or problems."""
    data, problems = _read(path, root, src)
    if data is None:
        return None, problems
    try:
        text = hygiene.normalise(decode(data))
    except UnicodeError as err:
        return None, [_encoding_problem(err, data, src)]
    if _FENCE.match(text.split("\n", 1)[0]):
        return None, [problem(src, 1, "PAGE_ENTETE")]
    problems = hygiene.scan_text(text, 1, src) + content_checks.scan_body(text, 1, src, contacts=False)
    return (None, problems) if problems else (text, [])


def load_bytes(data: bytes, rel_path: str, src: str) -> tuple[AnyCard | None, list[Problem]]:
    """Validate one card's content, as if it were the file ``rel_path`` under docs/."""
    card, problems, _raw = load_checked(data, rel_path, src)
    return card, problems


def load_checked(
    data: bytes, rel_path: str, src: str
) -> tuple[AnyCard | None, list[Problem], dict[str, Any] | None]:
    """load_bytes, with the front matter as read, once checked (what the model was given:
    core/cardcache.py keeps it to validate the card again without reading its YAML)."""
    if len(data) > MAX_BYTES:
        return None, [problem(src, 1, "FICHIER_TROP_GROS", taille=len(data), limite=MAX_BYTES)], None
    if not data.strip():
        return None, [problem(src, 1, "FICHIER_VIDE")], None
    try:
        text = hygiene.normalise(decode(data))
    except UnicodeError as err:
        return None, [_encoding_problem(err, data, src)], None
    try:
        parts = split(text)
    except ValueError:
        return None, [problem(src, 1, "ENTETE_NON_FERMEE")], None
    if parts is None:
        return None, [problem(src, 1, "ENTETE_ABSENTE")], None
    front, front_line, body, body_line = parts

    marked = hygiene.mark(front, front_line)
    try:
        parsed = yamlsafe.read(marked.text, front_line)
    except yamlsafe.YamlProblem as err:
        yaml_problem = problem(src, err.line, err.code, **err.params)  # type: ignore[arg-type]
        return None, sorted([*hygiene.raw_problems(marked, src), yaml_problem]), None
    if not isinstance(parsed.value, dict):
        problems = [*hygiene.raw_problems(marked, src), problem(src, front_line, "ENTETE_NON_DICTIONNAIRE")]
        return None, sorted(problems), None

    # Refused characters first: the values are then left without them (one message each).
    problems = hygiene.check_front(parsed, marked, src) + hygiene.scan_text(body, body_line, src)
    problems += content_checks.scan(parsed, body, body_line, src)
    card_id = PurePosixPath(rel_path).stem
    if not is_slug(card_id):
        problems.append(problem(src, 1, "NOM_FICHIER", nom=PurePosixPath(rel_path).name))

    folder_kind = kind_of(rel_path)
    kind = parsed.value.get("type")
    if not isinstance(kind, str) or kind not in MODELS:
        allowed = ", ".join(k for k in MODELS)
        if kind is None:
            problems.append(
                problem(
                    src,
                    front_line,
                    "CHAMP_MANQUANT",
                    "type",
                    champ="type",
                    description=f"le type de fiche ({allowed}).",
                )
            )
        else:
            problems.append(
                problem(
                    src,
                    parsed.line_of(("type",), front_line),
                    "VOCABULAIRE",
                    "type",
                    valeur=kind,
                    valeurs=allowed,
                )
            )
        return None, problems, None
    if folder_kind is not None and kind != folder_kind:
        problems.append(
            problem(
                src,
                parsed.line_of(("type",), front_line),
                "TYPE_FICHE",
                "type",
                type=kind,
                dossier=f"docs/{FOLDERS[kind]}/",
            )
        )

    model = MODELS[kind]
    try:
        meta = model.model_validate(parsed.value)
    except ValidationError as err:
        problems.extend(explain(err, model, parsed, src, front_line))
        return None, problems, None
    if isinstance(meta, Retour):
        problems += communes.check(meta, parsed, src)
    problems = _silenced(problems, meta, parsed, src)
    if any(p.is_error for p in problems):
        return None, problems, None
    card = Card(card_id, kind, rel_path, src, meta, body, body_line, parsed.lines)
    return card, problems, parsed.value  # warnings only: the card is valid


def _silenced(problems: list[Problem], meta: CardModel, parsed: yamlsafe.Parsed, src: str) -> list[Problem]:
    """The problems left once the card's « ignorer » is applied, and the problems of that
    list itself: only a warning may be silenced, and never without a reason."""
    warnings = sorted(code for code, entry in CATALOGUE.items() if not entry.is_error)
    own = []
    for i, code in enumerate(meta.ignorer):
        if code not in CATALOGUE or CATALOGUE[code].is_error:
            own.append(
                problem(
                    src,
                    parsed.line_of(("ignorer", i), 1),
                    "IGNORER",
                    f"ignorer[{i + 1}]",
                    detail=f"« {code} » n'est pas un avertissement : il ne peut pas être ignoré",
                    conseil="Corrigez ce que le message signale. Avertissements qui peuvent être "
                    "ignorés : " + ", ".join(warnings) + ".",
                )
            )
    if meta.ignorer and not meta.raison:
        own.append(
            problem(
                src,
                parsed.line_of(("ignorer",), 1),
                "IGNORER",
                "ignorer",
                detail="avertissement ignoré sans raison",
                conseil="Ajoutez « raison: » à l'en-tête : pourquoi l'avertissement ne s'applique "
                "pas à cette fiche (la relecture en juge).",
            )
        )
    kept = [p for p in problems if p.is_error or p.code not in meta.ignorer]
    return sorted(kept + own)
