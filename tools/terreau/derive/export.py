"""Open data: every card as JSON and CSV, the JSON Schemas, and a Frictionless data package.

Outputs are deterministic: sorted by identifier, sorted keys, no date of generation. CSV
cells that a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a
carriage return) are prefixed with an apostrophe, and so is every line of a cell that
starts so after a line break. A cell holding a comma, a quote, a carriage return or a line
feed is quoted: a spreadsheet never starts a new row inside a cell.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from terreau.core import atomic, pages, schema
from terreau.core.catalogue import Catalogue
from terreau.core.loader import AnyCard, Card
from terreau.core.models import FOLDERS, MODELS, Action, Retour
from terreau.core.vocabulary import vocabulary

LICENCE = {
    "name": "CC-BY-SA-4.0",
    "title": "Creative Commons Attribution – Partage dans les mêmes conditions 4.0 International",
    "path": "https://creativecommons.org/licenses/by-sa/4.0/",
}
# The start of the cell or of a line in it (after LF, or a CR not followed by LF), before
# a character that starts a formula.
_FORMULA_START = re.compile(r"(?:\A|(?<=\n)|(?<=\r)(?!\n))(?=[=+\-@\t\r])")
_QUOTED = re.compile(r'[,"\r\n]')


def safe_cell(value: Any) -> str:
    """A CSV cell as text, neutralised where a spreadsheet would run a formula: at its
    start and at the start of each of its lines."""
    text = "" if value is None else str(value)
    return _FORMULA_START.sub("'", text)


def csv_line(cells: list[str]) -> str:
    """One CSV row: a cell holding a comma, a quote, CR or LF is quoted (quotes doubled).

    Python's csv.writer, told to end rows with LF, left a lone CR unquoted: a spreadsheet
    then started a new row inside the cell.
    """
    quoted = ('"' + c.replace('"', '""') + '"' if _QUOTED.search(c) else c for c in cells)
    return ",".join(quoted) + "\n"


def record(card: AnyCard) -> dict[str, Any]:
    """One card as plain data: identifier, kind, address, front matter and Markdown text."""
    # A silenced warning is said only where there is one (most cards have none).
    silenced = set() if card.meta.ignorer else {"ignorer"}
    return {
        "id": card.id,
        "type": card.kind,
        "url": card.url,
        **card.meta.model_dump(mode="json", exclude_none=True, exclude=silenced),
        "texte": card.body.strip() + "\n",
    }


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _csv(header: list[str], rows: Iterable[list[Any]]) -> str:
    return csv_line(header) + "".join(csv_line([safe_cell(v) for v in row]) for row in rows)


def _joined(values: Iterable[Any]) -> str:
    return " ; ".join(str(v) for v in values)


CARD_COLUMNS = [
    ("id", "string", "Identifiant de la fiche (son nom de fichier)."),
    ("type", "string", "Type de fiche : methode, outil, action, retour, parcours, axe."),
    ("titre", "string", "Titre."),
    ("resume", "string", "Résumé en trois lignes pour les élus."),
    ("besoins", "string", "Besoins auxquels la fiche répond, séparés par « ; »."),
    ("porteurs", "string", "Qui peut porter la démarche, séparés par « ; »."),
    ("publics", "string", "Publics, séparés par « ; »."),
    ("communes", "string", "Tailles de commune visées, séparées par « ; »."),
    ("duree_min", "integer", "Durée minimale."),
    ("duree_max", "integer", "Durée maximale."),
    ("duree_unite", "string", "Unité de la durée."),
    ("cout", "string", "Ordre de grandeur du coût : nul, faible, moyen, eleve."),
    ("difficulte", "string", "Difficulté : facile, moyenne, exigeante."),
    ("maturite", "string", "Maturité : idee, experimente, eprouve."),
    ("structures", "string", "Structures qui ont rédigé ou relu la fiche, séparées par « ; »."),
    ("d_apres", "string", "Structures dont la démarche a inspiré la fiche, séparées par « ; »."),
    ("licence", "string", "Licence du texte."),
    ("url", "string", "Adresse de la page, relative à la racine du site."),
]
ACTION_COLUMNS = [
    ("id", "string", "Identifiant de la fiche action."),
    ("titre", "string", "Titre de l'action."),
    ("axe", "string", "Identifiant de l'axe."),
    ("axe_titre", "string", "Nom de l'axe."),
    ("orientation", "string", "Identifiant de l'orientation."),
    ("orientation_titre", "string", "Intitulé de l'orientation."),
    ("objectif", "string", "Identifiant de l'objectif."),
    ("objectif_titre", "string", "Intitulé de l'objectif."),
    ("horizon", "string", "Horizon : court, moyen, long."),
    ("cout", "string", "Ordre de grandeur du coût."),
    ("difficulte", "string", "Difficulté."),
    ("competence", "string", "Compétence publique nécessaire."),
    ("url", "string", "Adresse de la page, relative à la racine du site."),
]
FEEDBACK_COLUMNS = [
    ("id", "string", "Identifiant du retour d'expérience."),
    ("titre", "string", "Titre."),
    ("lieu", "string", "Territoire."),
    ("communes_insee", "string", "Codes INSEE des communes, séparés par « ; »."),
    ("communes_noms", "string", "Noms des communes, séparés par « ; »."),
    ("periode_debut", "string", "Début (AAAA ou AAAA-MM)."),
    ("periode_fin", "string", "Fin (AAAA ou AAAA-MM), vide si inconnue ou en cours."),
    ("structure_porteuse", "string", "Structure qui a porté la démarche."),
    ("fiches", "string", "Fiches Terreau utilisées, séparées par « ; »."),
    ("verification", "string", "Niveau de vérification."),
    ("sources", "string", "Adresses des sources, séparées par « ; »."),
    ("url", "string", "Adresse de la page, relative à la racine du site."),
]


def _card_row(card: AnyCard) -> list[Any]:
    m = card.meta
    duree = getattr(m, "duree", None)
    return [
        card.id,
        card.kind,
        m.titre,
        m.resume,
        _joined(getattr(m, "besoins", [])),
        _joined(getattr(m, "porteurs", [])),
        _joined(getattr(m, "publics", [])),
        _joined(getattr(m, "communes", [])),
        duree.min if duree else None,
        duree.max if duree else None,
        duree.unite if duree else None,
        getattr(m, "cout", None),
        getattr(m, "difficulte", None),
        getattr(m, "maturite", None),
        _joined(getattr(m, "structures", [])),
        _joined([e.structure for e in getattr(m, "d_apres", [])]),
        getattr(m, "licence", "CC-BY-SA-4.0"),
        card.url,
    ]


def _action_row(card: Card[Action], catalogue: Catalogue) -> list[Any]:
    m = card.meta
    where = catalogue.placement(card)
    axe, orientation, objectif = where.axe, where.orientation, where.objectif
    assert axe and orientation and objectif, "checked by the catalogue"
    return [
        card.id,
        m.titre,
        m.axe,
        axe.titre,
        orientation.id,
        orientation.titre,
        objectif.id,
        objectif.titre,
        m.horizon,
        m.cout,
        m.difficulte,
        m.competence,
        card.url,
    ]


def _feedback_row(card: Card[Retour]) -> list[Any]:
    m = card.meta
    return [
        card.id,
        m.titre,
        m.lieu.nom,
        _joined(c.insee for c in m.lieu.communes),
        _joined(c.nom for c in m.lieu.communes),
        m.periode.debut,
        m.periode.fin,
        m.structure_porteuse,
        _joined(m.fiches),
        m.verification,
        _joined(s.url for s in m.sources if s.url),
        card.url,
    ]


def _table_schema(columns: list[tuple[str, str, str]]) -> dict[str, Any]:
    return {
        "fields": [{"name": n, "type": t, "description": d} for n, t, d in columns],
        "primaryKey": ["id"],
    }


def names() -> list[str]:
    """The export files, by path under donnees/ (known before they are written)."""
    return pages.export_names()


def files(catalogue: Catalogue) -> Iterator[tuple[str, str]]:
    """Every export file, as (path under donnees/, text), made one at a time."""
    cards = sorted(catalogue.cards.values(), key=lambda c: c.id)
    yield "fiches.json", _json([record(c) for c in cards])
    for kind, folder in sorted(FOLDERS.items()):
        yield f"{folder}.json", _json([record(c) for c in cards if c.kind == kind])
    yield "fiches.csv", _csv([c[0] for c in CARD_COLUMNS], (_card_row(c) for c in cards))
    yield (
        "actions.csv",
        _csv(
            [c[0] for c in ACTION_COLUMNS],
            (_action_row(c, catalogue) for c in catalogue.of_model(Action)),
        ),
    )
    yield (
        "retours.csv",
        _csv([c[0] for c in FEEDBACK_COLUMNS], (_feedback_row(c) for c in catalogue.of_model(Retour))),
    )
    for kind in sorted(MODELS):
        yield f"schemas/{kind}.schema.json", schema.render(kind)
    yield "datapackage.json", _json(datapackage(catalogue))


def datapackage(catalogue: Catalogue) -> dict[str, Any]:
    """The Frictionless descriptor of the exports, with their licence and attribution."""
    structures = sorted({s for c in catalogue.cards.values() for s in getattr(c.meta, "structures", [])})
    resources: list[dict[str, Any]] = [
        {
            "name": "fiches-csv",
            "path": "fiches.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "title": "Toutes les fiches (une ligne par fiche)",
            "schema": _table_schema(CARD_COLUMNS),
        },
        {
            "name": "actions-csv",
            "path": "actions.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "title": "Fiches actions, avec leur axe, orientation et objectif",
            "schema": _table_schema(ACTION_COLUMNS),
        },
        {
            "name": "retours-csv",
            "path": "retours.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "title": "Retours d'expérience, avec les codes INSEE des communes",
            "schema": _table_schema(FEEDBACK_COLUMNS),
        },
        {
            "name": "fiches-json",
            "path": "fiches.json",
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
            "title": "Toutes les fiches, avec leur texte complet",
        },
    ]
    for kind, folder in sorted(FOLDERS.items()):
        label = vocabulary("type").label(kind)
        resources.append(
            {
                "name": f"{folder}-json",
                "path": f"{folder}.json",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "title": f"Fiches de type « {label} »",
                # Not a Table Schema: the JSON Schema of the front matter (records also carry
                # id, type, url and texte).
                "terreau_schema_json": f"schemas/{kind}.schema.json",
            }
        )
    return {
        "name": "terreau",
        "title": "Terreau : méthodes et outils pour la résilience des communes rurales",
        "description": "Les fiches du commun Terreau (méthodes, outils, actions, retours "
        "d'expérience, parcours, axes), en JSON et en CSV.",
        "licenses": [LICENCE],
        # The commons' team wrote the cards; a structure is an author only if it wrote one.
        "contributors": [{"title": "L'équipe du commun Terreau", "role": "author"}]
        + [{"title": s, "role": "author"} for s in structures],
        "keywords": ["résilience", "transition", "communes rurales", "commun"],
        "resources": resources,
    }


def write(catalogue: Catalogue, target: Path) -> list[Path]:
    written = []
    for name, text in files(catalogue):
        path = target / name
        atomic.write_text(path, text)
        written.append(path)
    return written
