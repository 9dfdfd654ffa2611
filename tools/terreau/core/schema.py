"""JSON Schemas of every kind of card, generated from the models (for editors and reusers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from terreau.core import atomic
from terreau.core.models import MODELS
from terreau.core.vocabulary import vocabulary


def _tidy(node: Any) -> Any:
    """Drop what Pydantic derives from code (English docstrings, titles made from names)."""
    if isinstance(node, dict):
        tidy = {k: _tidy(v) for k, v in node.items()}
        if isinstance(tidy.get("properties"), dict):
            tidy.pop("description", None)  # a model's docstring, written for developers
            tidy.pop("title", None)
            for prop in tidy["properties"].values():
                prop.pop("title", None)
        return tidy
    if isinstance(node, list):
        return [_tidy(v) for v in node]
    return node


def schema_of(kind: str) -> dict[str, Any]:
    model = MODELS[kind]
    schema = _tidy(model.model_json_schema(mode="validation"))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    # Relative: resolved against wherever the schema is served (the site, the repository).
    schema["$id"] = f"{kind}.schema.json"
    schema["title"] = vocabulary("type").label(kind)
    schema["description"] = vocabulary("type").terms[kind].description
    return schema


def render(kind: str) -> str:
    """The schema file's exact text: sorted keys, so that a stale file is easy to spot."""
    return json.dumps(schema_of(kind), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_all(target: Path) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in sorted(MODELS):
        path = target / f"{kind}.schema.json"
        atomic.write_text(path, render(kind))
        written.append(path)
    return written
