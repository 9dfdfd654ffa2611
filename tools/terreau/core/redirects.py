"""Merged cards' old addresses (docs/redirections.yml): read, checked against the catalogue.

A card merged into another is deleted, but its address lives on in bookmarks, printed QR codes
and other sites' links. Each line of the file names the old card (its kind's folder and its
identifier), the card that took its content, and the day of the merge; the site writes a small
page at the old address that leads to the new one (site/redirects.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from terreau.core import tree, yamlsafe
from terreau.core.models import KIND_OF_FOLDER, is_slug
from terreau.core.problems import Problem, problem

FILE = tree.REDIRECTS
_KEYS = ("ancienne", "nouvelle", "date")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_NOT_OLD = "n'est pas un dossier de fiches suivi d'un identifiant"


@dataclass(frozen=True)
class Redirect:
    """One merged card: where it was (``folder/id``), the card that replaced it, when."""

    folder: str
    old: str
    new: str
    day: dt.date
    line: int

    @property
    def url(self) -> str:
        """The old page's address, relative to the site root (as Card.url)."""
        return f"{self.folder}/{self.old}.html"


def read(docs_dir: Path, shown: str) -> tuple[list[Redirect], list[Problem]]:
    """The redirects of docs/redirections.yml (none if the file is absent), and its problems."""
    path = docs_dir / FILE
    src = f"{shown}{FILE}"
    if not path.exists():
        return [], []
    try:
        text = tree.read_regular(path, docs_dir, tree.RASTER_MAX).decode("utf-8")
    except UnicodeDecodeError as err:
        return [], [problem(src, 1, "ENCODAGE", detail=err.reason)]
    except (OSError, tree.TooLarge):
        return [], [problem(src, 1, "FICHIER_ILLISIBLE", detail="illisible")]
    try:
        parsed = yamlsafe.read(text)
    except yamlsafe.YamlProblem as err:
        return [], [problem(src, err.line, err.code, **err.params)]  # type: ignore[arg-type]
    value = parsed.value if parsed.value is not None else []
    if not isinstance(value, list):
        return [], [_bad(src, 1, "le fichier doit être une liste de redirections (lignes « - »)")]
    found: list[Redirect] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(value):
        line = parsed.line_of((i,), 1)
        if not isinstance(entry, dict) or set(entry) != set(_KEYS):
            keys = ", ".join(f"« {k} »" for k in _KEYS)
            problems.append(
                _bad(src, line, f"la redirection n° {i + 1} doit avoir les champs {keys}, et eux seuls")
            )
            continue
        old, new, day = (entry[k] for k in _KEYS)
        folder, _, old_id = str(old).partition("/")
        when = _day(day)
        wrong = [
            (key, message)
            for key, ok, message in (
                ("ancienne", folder in KIND_OF_FOLDER and is_slug(old_id), _NOT_OLD),
                ("nouvelle", isinstance(new, str) and is_slug(new), "n'est pas un identifiant de fiche"),
                ("date", when is not None, "n'est pas une date AAAA-MM-JJ"),
            )
            if not ok
        ]
        if wrong or when is None:
            key, message = wrong[0]
            problems.append(_bad(src, parsed.line_of((i, key), line), f"« {key}: {entry[key]} » {message}"))
            continue
        if old_id in seen:
            problems.append(_bad(src, line, f"« {old} » est déjà redirigée (ligne {seen[old_id]})"))
            continue
        seen[old_id] = line
        found.append(Redirect(folder, old_id, new, when, line))
    return found, problems


def _day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and _DAY.fullmatch(value) else None
    except ValueError:  # 2026-02-30
        return None


def _bad(src: str, line: int, detail: str) -> Problem:
    return problem(src, line, "REDIRECTION_FORMAT", detail=detail, dossiers=", ".join(sorted(KIND_OF_FOLDER)))


def check(redirects: list[Redirect], cards: dict[str, str], broken: set[str], src: str) -> list[Problem]:
    """A redirect leads to a card that exists (``cards``: id → shown path), from a card that
    does not exist any more (a card that failed validation still exists)."""
    problems = []
    for r in redirects:
        if r.old in cards or r.old in broken:
            where = cards.get(r.old, f"{r.folder}/{r.old}.md")
            problems.append(problem(src, r.line, "REDIRECTION_ACTIVE", ancienne=r.old, fichier=where))
        elif r.new not in cards and r.new not in broken:
            problems.append(problem(src, r.line, "REDIRECTION_CIBLE", ancienne=r.old, nouvelle=r.new))
    return problems
