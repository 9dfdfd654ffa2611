"""Scaffold a new card from a template: valid as written, never over an existing file."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from terreau.core import atomic
from terreau.core.catalogue import Catalogue, place
from terreau.core.loader import load_bytes
from terreau.core.models import FOLDERS, Axe
from terreau.core.vocabulary import vocabularies
from terreau.derive.search_index import fold

KINDS = ("methode", "outil", "action", "retour", "parcours")


class ScaffoldError(Exception):
    """A request that cannot become a valid card; the message is French, for the contributor."""


@dataclass
class Request:
    kind: str
    titre: str
    card_id: str | None = None
    axe: str | None = None
    orientation: str | None = None
    objectif: str | None = None
    fiches: list[str] = field(default_factory=list)


# Names Windows gives to devices: a file « con.md » cannot be checked out there.
_RESERVED = frozenset(
    ["con", "prn", "aux", "nul", *(f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10))]
)


def slugify(title: str) -> str:
    """« Plus de légumes à la cantine ! » → « plus-de-legumes-a-la-cantine »; « CON » →
    « con-fiche »."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(title).lower()).strip("-")[:80].strip("-")
    return f"{slug}-fiche" if slug in _RESERVED else slug


def rel_path(kind: str, card_id: str) -> str:
    """Where a card of that kind and identifier lives under docs/: « methodes/balade.md »."""
    return f"{FOLDERS[kind]}/{card_id}.md"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("terreau.contribute", "templates"),
        autoescape=False,  # YAML and Markdown, not HTML; values go through the yaml filter
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # A JSON string is a valid double-quoted YAML scalar: safe for any title.
    env.filters["yaml"] = lambda value: json.dumps(str(value), ensure_ascii=False)
    return env


def check_references(request: Request, catalogue: Catalogue) -> None:
    """Refuse, in French, references the new card could not resolve."""
    cards = catalogue.cards
    if request.kind == "action":
        axes = [c.id for c in catalogue.of_model(Axe)]
        where = place(cards, request.axe or "", request.orientation or "", request.objectif or "")
        if where.axe is None:
            raise ScaffoldError(f"axe « {request.axe} » inconnu. Axes possibles : {', '.join(axes)}.")
        if where.orientation is None:
            raise ScaffoldError(
                f"orientation « {request.orientation} » inconnue dans l'axe « {request.axe} ». "
                f"Orientations possibles : {', '.join(o.id for o in where.axe.orientations)}."
            )
        if where.objectif is None:
            raise ScaffoldError(
                f"objectif « {request.objectif} » inconnu dans l'orientation "
                f"« {request.orientation} ». Objectifs possibles : "
                f"{', '.join(o.id for o in where.orientation.objectifs)}."
            )
    if request.kind in ("retour", "parcours"):
        needed = 1 if request.kind == "retour" else 2
        if len(request.fiches) < needed:
            raise ScaffoldError(
                f"un {'retour' if needed == 1 else 'parcours'} doit citer au moins {needed} "
                "fiche(s) : ajoutez --fiche IDENTIFIANT."
            )
        for ref in request.fiches:
            if ref not in cards or cards[ref].kind == "axe":
                raise ScaffoldError(f"la fiche « {ref} » n'existe pas.")


def render(request: Request, today: dt.date) -> str:
    template = _environment().get_template(f"nouveau/{request.kind}.md")
    return template.render(
        titre=request.titre,
        aujourdhui=today.isoformat(),
        annee=today.year,
        axe=request.axe,
        orientation=request.orientation,
        objectif=request.objectif,
        fiches=request.fiches,
        valeurs={name: ", ".join(v.terms) for name, v in vocabularies().items()},
    )


def create(docs_dir: Path, request: Request, catalogue: Catalogue, today: dt.date) -> Path:
    """Write the new card and return its path; raise ScaffoldError rather than overwrite."""
    if request.kind not in KINDS:
        raise ScaffoldError(f"type « {request.kind} » inconnu. Types possibles : {', '.join(KINDS)}.")
    if not request.titre.strip():
        raise ScaffoldError("le titre est vide.")
    card_id = request.card_id or slugify(request.titre)
    if not card_id or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", card_id):
        raise ScaffoldError(f"« {card_id} » ne convient pas comme identifiant (minuscules, tirets).")
    if card_id in catalogue.cards:
        raise ScaffoldError(f"l'identifiant « {card_id} » est déjà pris par {catalogue.cards[card_id].src}.")
    check_references(request, catalogue)
    rel = rel_path(request.kind, card_id)
    path = docs_dir / rel
    if path.exists():
        raise ScaffoldError(f"le fichier {path} existe déjà : il n'a pas été modifié.")
    text = render(request, today)
    _, problems = load_bytes(text.encode("utf-8"), rel, str(path))
    if any(p.is_error for p in problems):  # a template bug, never the contributor's fault
        raise ScaffoldError("le modèle de fiche est invalide : " + problems[0].format_text())
    atomic.create_text(path, text)  # never overwrites, even in a race
    return path
