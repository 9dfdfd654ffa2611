"""The catalogue: every card of a docs tree, loaded once, with references resolved and checked."""

from __future__ import annotations

import difflib
import hashlib
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, cast, get_args, get_origin

from pydantic import BaseModel

from terreau.core import cardcache, content_checks, links, parallel, redirects, tree
from terreau.core.loader import AnyCard, Card, M, load_checked, load_page, read_card
from terreau.core.models import KIND_OF_MODEL, Action, Axe, CardModel, Objectif, Orientation, Reference
from terreau.core.problems import Problem, field_name, problem
from terreau.core.yamlsafe import Path as Path_

T = TypeVar("T")


@dataclass
class Catalogue:
    """All valid cards by identifier, and every problem found in the tree."""

    cards: dict[str, AnyCard] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Identifiers of card files that exist but failed validation: references to them are
    # not reported again as dangling, so one broken card yields its own errors only.
    broken: set[str] = field(default_factory=set)
    # The site's own pages (not cards), read once and checked: POSIX path under docs/ → text.
    pages: dict[str, str] = field(default_factory=dict)
    # Every file of docs/ that may be published (cards, pages, images), as POSIX paths.
    allowed: set[str] = field(default_factory=set)
    # Merged cards' old addresses (docs/redirections.yml), checked against the cards.
    redirects: list[redirects.Redirect] = field(default_factory=list)
    # A hash of every card's path and front matter (not its text): what the pages that list
    # the catalogue show. A preview rewrites them only when it changed.
    face: str = ""

    def of_model(self, model: type[M]) -> list[Card[M]]:
        """The cards of one kind, typed by their model (``of_model(Retour)``)."""
        return cast(list[Card[M]], self.of_kind(KIND_OF_MODEL[cast(type[CardModel], model)]))

    def get(self, card_id: str, model: type[M]) -> Card[M] | None:
        """The card of that identifier if it is of that model's kind."""
        card = self.cards.get(card_id)
        return cast(Card[M], card) if card is not None and isinstance(card.meta, model) else None

    def of_kind(self, kind: str) -> list[AnyCard]:
        return self.memo(
            f"of_kind:{kind}",
            lambda: sorted((c for c in self.cards.values() if c.kind == kind), key=lambda c: c.id),
        )

    def memo(self, key: str, make: Callable[[], list[AnyCard]]) -> list[AnyCard]:
        """A list of cards computed once per state of the catalogue (a copy: callers may
        change it); pages ask for the same lists thousands of times."""
        if key not in self._memo:
            self._memo[key] = make()
        return list(self._memo[key])

    def worked_out(self, key: str, make: Callable[[], T]) -> T:
        """What another layer works out once per state of the catalogue (the finder's scoring
        context, which each of the 14 situation pages asks for), not copied."""
        if key not in self._derived:
            self._derived[key] = make()
        return cast(T, self._derived[key])

    @property
    def errors(self) -> list[Problem]:
        """The problems that block: warnings (heuristics) are shown, never blocking."""
        return [p for p in self.problems if p.is_error]

    def placement(self, card: AnyCard) -> Placement:
        """Where a valid action sits: every step exists (the catalogue checked it)."""
        assert isinstance(card.meta, Action)
        return place(self.cards, card.meta.axe, card.meta.orientation, card.meta.objectif)

    def by_path(self, rel_path: str) -> AnyCard | None:
        return self._by_path.get(rel_path)

    def __post_init__(self) -> None:
        self._by_path: dict[str, AnyCard] = {}
        self._pointing: dict[str, list[AnyCard]] | None = None
        self._memo: dict[str, list[AnyCard]] = {}
        self._derived: dict[str, object] = {}

    def add(self, card: AnyCard) -> None:
        self._memo.clear()
        self._derived.clear()
        self._pointing = None
        self.cards[card.id] = card
        self._by_path[card.rel_path] = card

    def used_by(self, card_id: str) -> dict[str, list[AnyCard]]:
        """The cards that point to ``card_id``, grouped by their kind."""
        if self._pointing is None:
            # Built once: asking every card for every page would grow as the square of the size.
            self._pointing = {}
            for other in sorted(self.cards.values(), key=lambda c: c.id):
                for target in sorted(_targets(other)):
                    if target != other.id:
                        self._pointing.setdefault(target, []).append(other)
        found: dict[str, list[AnyCard]] = {}
        for other in self._pointing.get(card_id, []):
            found.setdefault(other.kind, []).append(other)
        return found


def card_files(docs_dir: Path) -> Iterator[tuple[Path, str]]:
    """Every card file under docs_dir, sorted, as (absolute path, POSIX path under docs)."""
    for entry in tree.scan(docs_dir).of_role("fiche"):
        yield entry.path, entry.rel


def build(
    docs_dir: Path,
    display_root: Path | None = None,
    *,
    review: bool = True,
    cache_dir: Path | None = None,
) -> Catalogue:
    """Load every card under docs_dir and check references; never raises on bad content.

    Only what tree.scan allows is read: a link, a FIFO or an unknown file is a problem, never
    opened. ``review``: also the reviewer's check that compares every card with the others
    (near-duplicates, a warning that never blocks): ``terreau valider`` and the pull-request
    checks make it; the site build skips it (it was a fifth of a 5,000-card build).
    ``cache_dir``: where the cards checked by the previous builds are kept (core/cardcache.py);
    a card whose bytes did not change is not read and checked again."""
    docs_dir = docs_dir.resolve()
    shown = _display_prefix(docs_dir, display_root)
    catalogue = Catalogue()
    found = tree.scan(docs_dir, shown)
    catalogue.problems.extend(found.problems)
    catalogue.allowed = found.allowed
    for entry in found.of_role("page"):
        text, problems = load_page(entry.path, docs_dir, f"{shown}{entry.rel}")
        catalogue.problems.extend(problems)
        if text is not None:
            catalogue.pages[entry.rel] = text
    face = hashlib.sha256()
    for rel, src, (card, problems) in _cards(found.of_role("fiche"), docs_dir, shown, cache_dir, face):
        catalogue.problems.extend(problems)
        if card is None:
            catalogue.broken.add(Path(rel).stem)
            continue
        if card.id in catalogue.cards:
            other = catalogue.cards[card.id]
            catalogue.problems.append(problem(src, 1, "ID_DOUBLON", id=card.id, autre=other.src))
            continue
        catalogue.add(card)
    catalogue.face = face.hexdigest()
    catalogue.problems.extend(check_references(catalogue))
    if review:
        catalogue.problems.extend(content_checks.near_duplicates(list(catalogue.cards.values())))
    catalogue.redirects, problems = redirects.read(docs_dir, shown)
    shown_paths = {card_id: card.src for card_id, card in catalogue.cards.items()}
    problems += redirects.check(
        catalogue.redirects, shown_paths, catalogue.broken, f"{shown}{redirects.FILE}"
    )
    catalogue.problems.extend(problems)
    # Links between pages (cards and the site's own pages), as `mkdocs build --strict` sees them.
    bodies = {c.rel_path: (c.body, c.body_line) for c in catalogue.cards.values()}
    bodies |= {rel: (text, 1) for rel, text in catalogue.pages.items()}
    catalogue.problems.extend(links.check(docs_dir, shown, bodies, allowed=catalogue.allowed))
    catalogue.problems.sort()
    return catalogue


def _cards(
    entries: Iterable[tree.Entry], docs_dir: Path, shown: str, cache_dir: Path | None, face: Any
) -> Iterator[tuple[str, str, tuple[AnyCard | None, list[Problem]]]]:
    """Each card file as (path under docs, path shown, (card or None, problems)), in order:
    from the cache when its bytes were checked before, else checked (on two cores). ``face``
    (a hash) is given each valid card's path and front matter."""
    cards = cardcache.CardCache(cache_dir)
    known: dict[int, tuple[AnyCard | None, list[Problem]]] = {}
    todo: list[tuple[int, bytes, str, str]] = []
    files = []
    read: dict[int, bytes] = {}
    for i, entry in enumerate(entries):
        src = f"{shown}{entry.rel}"
        files.append((entry.rel, src))
        data, problems = read_card(entry.path, src, docs_dir)
        if data is not None:
            read[i] = data
        if data is None:
            known[i] = (None, problems)
            continue
        found = cards.get(cardcache.key(data, entry.rel, src))
        if found is not None:
            known[i] = found
        else:
            todo.append((i, data, entry.rel, src))
    for (i, data, rel, src), (card, problems, raw) in zip(
        todo, parallel.map_halves(_check, todo), strict=True
    ):
        known[i] = (card, problems)
        if card is not None and raw is not None:
            cards.put(cardcache.key(data, rel, src), card, problems, raw)
    cards.save()
    for i, (rel, src) in enumerate(files):
        card = known[i][0]
        if card is not None:  # the lines before the body's first line
            front = read[i].split(b"\n", card.body_line - 1)[: card.body_line - 1]
            face.update(f"{rel}\0".encode() + b"\n".join(front) + b"\0")
        yield rel, src, known[i]


def _check(
    item: tuple[int, bytes, str, str],
) -> tuple[AnyCard | None, list[Problem], dict[str, Any] | None]:
    _i, data, rel, src = item
    return load_checked(data, rel, src)


def _display_prefix(docs_dir: Path, display_root: Path | None) -> str:
    root = (display_root or Path.cwd()).resolve()
    try:
        return docs_dir.relative_to(root).as_posix() + "/"
    except ValueError:
        return docs_dir.as_posix() + "/"


def references(meta: BaseModel, path: Path_ = ()) -> Iterator[tuple[Path_, str, Reference]]:
    """Every value of a card's front matter that names another card: (path, id, marker).

    Read from the models' annotations (models.Reference), nested models and lists included,
    so that a reference field added to a model is checked with no other change."""
    for name, steps in _plan(type(meta)):
        yield from _follow(steps, getattr(meta, name), (*path, name))


# How to reach the references of one field: « ref » (a marked text), « list » (each item),
# « model » (a nested model: its own plan, found from the value's class).
Step = tuple[str, Reference | None]


@cache
def _plan(model: type[BaseModel]) -> list[tuple[str, list[Step]]]:
    """For each field of a model that can hold a reference, the steps that lead to it:
    the annotations are read once per model, not once per card."""
    plan = []
    for name, info in model.model_fields.items():
        steps = _steps(info.annotation, info.metadata)
        if steps is not None:
            plan.append((name, steps))
    return plan


def _steps(annotation: Any, metadata: list[Any]) -> list[Step] | None:
    marker = next((m for m in metadata if isinstance(m, Reference)), None)
    if marker is not None:
        return [("ref", marker)]
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        return _steps(base, [*metadata, *extra])
    if origin is list:
        inner = _steps(get_args(annotation)[0], [])
        return None if inner is None else [("list", None), *inner]
    if origin in (Union, types.UnionType):
        kinds = [a for a in get_args(annotation) if a is not type(None)]
        found = [s for s in (_steps(k, metadata) for k in kinds) if s is not None]
        return found[0] if found else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [("model", None)] if _plan(annotation) else None
    return None


def _follow(steps: list[Step], value: Any, path: Path_) -> Iterator[tuple[Path_, str, Reference]]:
    if value is None:
        return
    kind, marker = steps[0]
    if kind == "ref" and isinstance(value, str) and marker is not None:
        yield path, value, marker
    elif kind == "list" and isinstance(value, list):
        for i, element in enumerate(value):
            yield from _follow(steps[1:], element, (*path, i))
    elif kind == "model" and isinstance(value, BaseModel):
        yield from references(value, path)


def points_to(card: AnyCard) -> set[str]:
    """The cards a card's page links to from its front matter (axes excepted)."""
    return _targets(card)


def _targets(card: AnyCard) -> set[str]:
    """The cards a card points to (« qui y renvoie »); an axis page lists its actions by
    objective instead, so references to axes are left out."""
    return {ref for _path, ref, marker in references(card.meta) if "axe" not in marker.kinds}


def check_references(catalogue: Catalogue) -> list[Problem]:
    """Every reference between cards must resolve, to a card of the right kind."""
    cards = catalogue.cards
    problems: list[Problem] = []
    for card in sorted(cards.values(), key=lambda c: c.id):
        for path, ref, marker in references(card.meta):
            target = cards.get(ref)
            if target is None and ref in catalogue.broken:
                continue  # that card's own errors are reported: not again here
            line = card.line_of(*path)
            name = field_name(path)
            if target is None:
                candidates = [c.id for c in cards.values() if c.kind in marker.kinds]
                close = difflib.get_close_matches(ref, candidates, n=1, cutoff=0.6)
                if close:
                    hint = f"Vouliez-vous dire « {close[0]} » ?"
                elif len(candidates) <= 8:  # a short list, such as the five axes: say it
                    hint = "Identifiants possibles : " + ", ".join(sorted(candidates)) + "."
                else:
                    hint = "Vérifiez l'identifiant : c'est le nom du fichier de la fiche, sans « .md »."
                problems.append(problem(card.src, line, "REFERENCE_INCONNUE", name, ref=ref, suggestion=hint))
            elif target.kind not in marker.kinds:
                problems.append(
                    problem(
                        card.src,
                        line,
                        "REFERENCE_MAUVAIS_TYPE",
                        name,
                        ref=ref,
                        trouve=target.kind,
                        attendu=" ou ".join(f"« {k} »" for k in marker.kinds),
                    )
                )
        if isinstance(card.meta, Action):
            problems.extend(_check_placement(card, card.meta, cards))
    return problems


@dataclass(frozen=True)
class Placement:
    """Where an action sits in the tree axe → orientation → objectif; None from the first
    step that does not exist."""

    axe: Axe | None
    orientation: Orientation | None
    objectif: Objectif | None


def place(cards: dict[str, AnyCard], axe: str, orientation: str, objectif: str) -> Placement:
    """The one walk down the tree (validation, new cards, pages and exports all use it)."""
    found = cards.get(axe)
    if found is None or not isinstance(found.meta, Axe):
        return Placement(None, None, None)
    branch = next((o for o in found.meta.orientations if o.id == orientation), None)
    if branch is None:
        return Placement(found.meta, None, None)
    leaf = next((o for o in branch.objectifs if o.id == objectif), None)
    return Placement(found.meta, branch, leaf)


def _check_placement(card: AnyCard, meta: Action, cards: dict[str, AnyCard]) -> list[Problem]:
    """An action sits in the tree axe → orientation → objectif; each step must exist (the
    axis itself is a reference, checked with the others)."""
    where = place(cards, meta.axe, meta.orientation, meta.objectif)
    if where.axe is None:
        return []
    if where.orientation is None:
        return [
            problem(
                card.src,
                card.line_of("orientation"),
                "VOCABULAIRE",
                "orientation",
                valeur=meta.orientation,
                valeurs=", ".join(o.id for o in where.axe.orientations),
            )
        ]
    if where.objectif is None:
        return [
            problem(
                card.src,
                card.line_of("objectif"),
                "VOCABULAIRE",
                "objectif",
                valeur=meta.objectif,
                valeurs=", ".join(o.id for o in where.orientation.objectifs),
            )
        ]
    return []
