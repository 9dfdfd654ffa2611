"""The contributor reference, derived from the models, vocabularies and error catalogue."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from terreau.contribute import scaffold
from terreau.core.catalogue import Catalogue
from terreau.core.models import INSEE, PERIODE, SLUG, Axe
from terreau.core.problems import CATALOGUE
from terreau.core.schema import schema_of
from terreau.core.vocabulary import vocabularies, vocabulary

# Documented kinds, in the order a contributor meets them.
KINDS = ("methode", "outil", "action", "retour", "parcours", "axe")
_PATTERNS = {
    SLUG: "identifiant de fiche",
    INSEE: "code INSEE (5 caractères)",
    PERIODE: "année ou mois (AAAA ou AAAA-MM)",
}


@dataclass
class Row:
    name: str
    required: bool
    kind: str
    description: str
    values: list[str] = field(default_factory=list)


@dataclass
class KindDoc:
    kind: str
    label: str
    description: str
    rows: list[Row]
    example: str


def _resolve(prop: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Unwrap ``anyOf: [X, null]``; return X and whether null is allowed."""
    options = prop.get("anyOf")
    if options:
        real = [o for o in options if o.get("type") != "null"]
        return {**prop, **real[0], "anyOf": None}, len(real) < len(options)
    return prop, False


def _describe(prop: dict[str, Any]) -> tuple[str, list[str]]:
    if "const" in prop:
        return f"« {prop['const']} »", []
    if "enum" in prop:
        return "une valeur de la liste", list(prop["enum"])
    kind = prop.get("type")
    if kind == "integer":
        bounds = ""
        if "minimum" in prop and "maximum" in prop:
            bounds = f" de {prop['minimum']} à {prop['maximum']}"
        elif "minimum" in prop:
            bounds = f" ≥ {prop['minimum']}"
        return "nombre entier" + bounds, []
    if kind == "string":
        if prop.get("format") == "date":
            return "date (AAAA-MM-JJ)", []
        pattern = prop.get("pattern", "")
        if pattern in _PATTERNS:
            return _PATTERNS[pattern], []
        if pattern.startswith("^https?"):
            return "adresse web (https://…)", []
        limit = f" ({prop['maxLength']} caractères au plus)" if "maxLength" in prop else ""
        return "texte" + limit, []
    return "valeur", []


def rows_of(schema: dict[str, Any], defs: dict[str, Any], prefix: str = "") -> list[Row]:
    rows: list[Row] = []
    required = set(schema.get("required", []))
    for name, raw in schema.get("properties", {}).items():
        prop, _nullable = _resolve(raw)
        full = f"{prefix}{name}"
        description = raw.get("description", "")
        is_required = name in required
        if "$ref" in prop:
            target = defs[prop["$ref"].rsplit("/", 1)[-1]]
            rows.append(Row(full, is_required, "ensemble de champs", description))
            rows.extend(rows_of(target, defs, f"{full}."))
        elif prop.get("type") == "array":
            items, _ = _resolve(prop.get("items", {}))
            if "$ref" in items:
                target = defs[items["$ref"].rsplit("/", 1)[-1]]
                minimum = f" ({prop['minItems']} au moins)" if prop.get("minItems") else ""
                rows.append(Row(full, is_required, "liste d'éléments" + minimum, description))
                rows.extend(rows_of(target, defs, f"{full}[]."))
            else:
                kind, values = _describe(items)
                rows.append(Row(full, is_required, f"liste ({kind})", description, values))
        else:
            kind, values = _describe(prop)
            rows.append(Row(full, is_required, kind, description, values))
    return rows


def _example(kind: str, catalogue: Catalogue) -> str:
    """What `terreau nouveau` writes for this kind, with references taken from the catalogue."""
    if kind == "axe":
        return ""
    request = scaffold.Request(kind, "Exemple de titre")
    axes = catalogue.of_model(Axe)
    if kind == "action" and axes:
        orientation = axes[0].meta.orientations[0]
        request.axe, request.orientation = axes[0].id, orientation.id
        request.objectif = orientation.objectifs[0].id
    usable = [c.id for c in catalogue.cards.values() if c.kind in ("methode", "outil")]
    request.fiches = sorted(usable)[: 1 if kind == "retour" else 2]
    return scaffold.render(request, dt.date(2026, 1, 1))


def kinds(catalogue: Catalogue) -> list[KindDoc]:
    docs = []
    for kind in KINDS:
        schema = schema_of(kind)
        rows = rows_of(schema, schema.get("$defs", {}))
        rows.sort(key=lambda r: r.name != "type")  # the kind first, then the model's order
        docs.append(
            KindDoc(
                kind,
                vocabulary("type").label(kind),
                vocabulary("type").terms[kind].description,
                rows,
                _example(kind, catalogue),
            )
        )
    return docs


def errors() -> list[dict[str, str]]:
    def generic(template: str) -> str:
        return re.sub(r"\{[a-z_]+\}", "…", template)

    return [
        {"code": c.code, "titre": c.title, "message": generic(c.message), "conseil": generic(c.hint)}
        for c in sorted(CATALOGUE.values(), key=lambda c: c.code)
    ]


def context(catalogue: Catalogue) -> dict[str, Any]:
    """Everything the reference template shows."""
    return {
        "kinds": kinds(catalogue),
        "vocabularies": sorted(vocabularies().values(), key=lambda v: v.name),
        "errors": errors(),
    }
