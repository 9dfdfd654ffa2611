"""The catalogue: every card of a docs tree, loaded once, with references resolved and checked."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from terreau import links, parallel
from terreau.errors import Problem, field_name, problem
from terreau.loader import Card, kind_of, load_card
from terreau.models import Action, Axe, Methode, Outil, Parcours, Retour


@dataclass
class Catalogue:
    """All valid cards by identifier, and every problem found in the tree."""

    cards: dict[str, Card] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Identifiers of card files that exist but failed validation: references to them are
    # not reported again as dangling, so one broken card yields its own errors only.
    broken: set[str] = field(default_factory=set)

    def of_kind(self, kind: str) -> list[Card]:
        return self.memo(
            f"of_kind:{kind}",
            lambda: sorted((c for c in self.cards.values() if c.kind == kind), key=lambda c: c.id),
        )

    def memo(self, key: str, make: Callable[[], list[Card]]) -> list[Card]:
        """A list of cards computed once per state of the catalogue (a copy: callers may
        change it); pages ask for the same lists thousands of times."""
        if key not in self._memo:
            self._memo[key] = make()
        return list(self._memo[key])

    def by_path(self, rel_path: str) -> Card | None:
        return self._by_path.get(rel_path)

    def __post_init__(self) -> None:
        self._by_path: dict[str, Card] = {}
        self._pointing: dict[str, list[Card]] | None = None
        self._memo: dict[str, list[Card]] = {}

    def add(self, card: Card) -> None:
        self._memo.clear()
        self._pointing = None
        self.cards[card.id] = card
        self._by_path[card.rel_path] = card

    def used_by(self, card_id: str) -> dict[str, list[Card]]:
        """The cards that point to ``card_id``, grouped by their kind."""
        if self._pointing is None:
            # Built once: asking every card for every page would grow as the square of the size.
            self._pointing = {}
            for other in sorted(self.cards.values(), key=lambda c: c.id):
                for target in sorted(_targets(other)):
                    if target != other.id:
                        self._pointing.setdefault(target, []).append(other)
        found: dict[str, list[Card]] = {}
        for other in self._pointing.get(card_id, []):
            found.setdefault(other.kind, []).append(other)
        return found


def card_files(docs_dir: Path) -> Iterator[tuple[Path, str]]:
    """Every card file under docs_dir, sorted, as (absolute path, POSIX path under docs)."""
    for root, dirs, files in os.walk(docs_dir):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            rel = path.relative_to(docs_dir).as_posix()
            if kind_of(rel) is not None:
                yield path, rel


def build(docs_dir: Path, display_root: Path | None = None) -> Catalogue:
    """Load every card under docs_dir and check references; never raises on bad content."""
    docs_dir = docs_dir.resolve()
    shown = _display_prefix(docs_dir, display_root)
    catalogue = Catalogue()
    files = [(path, rel, f"{shown}{rel}") for path, rel in card_files(docs_dir)]
    for (_path, rel, src), (card, problems) in zip(files, parallel.map_halves(_load, files), strict=True):
        catalogue.problems.extend(problems)
        if card is None:
            catalogue.broken.add(Path(rel).stem)
            continue
        if card.id in catalogue.cards:
            other = catalogue.cards[card.id]
            catalogue.problems.append(problem(src, 1, "ID_DOUBLON", id=card.id, autre=other.src))
            continue
        catalogue.add(card)
    catalogue.problems.extend(check_references(catalogue))
    # Links between pages (cards and the site's own pages), as `mkdocs build --strict` sees them.
    bodies = {c.rel_path: (c.body, c.body_line) for c in catalogue.cards.values()}
    catalogue.problems.extend(links.check(docs_dir, shown, bodies))
    catalogue.problems.sort()
    return catalogue


def _load(file: tuple[Path, str, str]) -> tuple[Card | None, list[Problem]]:
    return load_card(*file)


def _display_prefix(docs_dir: Path, display_root: Path | None) -> str:
    root = (display_root or Path.cwd()).resolve()
    try:
        return docs_dir.relative_to(root).as_posix() + "/"
    except ValueError:
        return docs_dir.as_posix() + "/"


def _targets(card: Card) -> set[str]:
    """Every card identifier a card refers to."""
    meta = card.meta
    refs = set(getattr(meta, "liens", []))
    if isinstance(meta, Methode):
        refs.update(t for step in meta.etapes for t in step.outils)
    if isinstance(meta, Retour):
        refs.update(meta.fiches)
    if isinstance(meta, Parcours):
        refs.update(step.fiche for step in meta.etapes)
    return refs


def check_references(catalogue: Catalogue) -> list[Problem]:
    """Every reference between cards must resolve, to a card of the right kind."""
    cards = catalogue.cards
    problems: list[Problem] = []

    def expect(card: Card, ref: str, path: tuple[str | int, ...], kinds: Iterable[str]) -> None:
        target = cards.get(ref)
        if target is None and ref in catalogue.broken:
            return
        line = card.line_of(*path)
        name = field_name(path)
        if target is None:
            close = difflib.get_close_matches(ref, list(cards), n=1, cutoff=0.6)
            hint = (
                f"Vouliez-vous dire « {close[0]} » ?"
                if close
                else "Vérifiez l'identifiant : c'est le nom du fichier de la fiche, sans « .md »."
            )
            problems.append(problem(card.src, line, "REFERENCE_INCONNUE", name, ref=ref, suggestion=hint))
        elif kinds and target.kind not in kinds:
            problems.append(
                problem(
                    card.src,
                    line,
                    "REFERENCE_MAUVAIS_TYPE",
                    name,
                    ref=ref,
                    trouve=target.kind,
                    attendu=" ou ".join(f"« {k} »" for k in kinds),
                )
            )

    axes = sorted(c.id for c in cards.values() if c.kind == "axe")
    cards_of_content = ("methode", "outil", "action", "parcours", "retour")
    for card in sorted(cards.values(), key=lambda c: c.id):
        meta = card.meta
        for i, ref in enumerate(getattr(meta, "liens", [])):
            expect(card, ref, ("liens", i), cards_of_content)
        if isinstance(meta, Methode | Outil):
            for i, ref in enumerate(meta.axes):
                if ref not in axes:
                    problems.append(
                        problem(
                            card.src,
                            card.line_of("axes", i),
                            "VOCABULAIRE",
                            f"axes[{i + 1}]",
                            valeur=ref,
                            valeurs=", ".join(axes),
                        )
                    )
        if isinstance(meta, Methode):
            for i, step in enumerate(meta.etapes):
                for j, ref in enumerate(step.outils):
                    expect(card, ref, ("etapes", i, "outils", j), ("outil",))
        if isinstance(meta, Retour):
            for i, ref in enumerate(meta.fiches):
                expect(card, ref, ("fiches", i), ("methode", "outil", "action", "parcours"))
        if isinstance(meta, Parcours):
            for i, ref in enumerate(s.fiche for s in meta.etapes):
                expect(card, ref, ("etapes", i, "fiche"), cards_of_content)
        if isinstance(meta, Action):
            problems.extend(_check_placement(card, meta, cards, axes))
    return problems


def _check_placement(card: Card, meta: Action, cards: dict[str, Card], axes: list[str]) -> list[Problem]:
    """An action sits in the tree axe → orientation → objectif; each step must exist."""
    axe = cards.get(meta.axe)
    if axe is None or not isinstance(axe.meta, Axe):
        return [
            problem(
                card.src, card.line_of("axe"), "VOCABULAIRE", "axe", valeur=meta.axe, valeurs=", ".join(axes)
            )
        ]
    orientations = {o.id: o for o in axe.meta.orientations}
    orientation = orientations.get(meta.orientation)
    if orientation is None:
        return [
            problem(
                card.src,
                card.line_of("orientation"),
                "VOCABULAIRE",
                "orientation",
                valeur=meta.orientation,
                valeurs=", ".join(orientations),
            )
        ]
    objectives = [o.id for o in orientation.objectifs]
    if meta.objectif not in objectives:
        return [
            problem(
                card.src,
                card.line_of("objectif"),
                "VOCABULAIRE",
                "objectif",
                valeur=meta.objectif,
                valeurs=", ".join(objectives),
            )
        ]
    return []
