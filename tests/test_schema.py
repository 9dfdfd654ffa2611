"""The JSON Schemas in schemas/ are fresh, in French, and accept every shipped card."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT
from terreau.core import yamlsafe
from terreau.core.catalogue import card_files
from terreau.core.loader import decode, split
from terreau.core.models import MODELS
from terreau.core.schema import render


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_committed_schema_is_fresh(kind: str) -> None:
    committed = ROOT / "schemas" / f"{kind}.schema.json"
    assert committed.read_text("utf-8") == render(kind), (
        "Schéma périmé : lancez « .venv/bin/terreau schema » et committez schemas/."
    )


def test_no_english_left_from_the_code() -> None:
    for kind in MODELS:
        text = render(kind)
        assert '"title"' not in text.replace(f'"title": "{json.loads(text)["title"]}"', "")
        for english in ("Unknown keys", "The common", "A range"):
            assert english not in text


def _front_matter(path: Path) -> dict:
    front, line, _, _ = split(decode(path.read_bytes()))  # type: ignore[misc]
    value = yamlsafe.read(front, line).value
    # Dates reach the schema as the text contributors wrote.
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in value.items()}


def test_schemas_accept_the_shipped_cards() -> None:
    schemas = {k: json.loads(render(k)) for k in MODELS}
    for path, _rel in card_files(ROOT / "docs"):
        data = _front_matter(path)
        jsonschema.validate(data, schemas[data["type"]])


def test_every_field_of_every_model_has_a_french_description() -> None:
    from pydantic import BaseModel

    seen: set[type] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{name}"
            for arg in [info.annotation, *getattr(info.annotation, "__args__", ())]:
                for inner in [arg, *getattr(arg, "__args__", ())]:
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        walk(inner)

    for model in MODELS.values():
        walk(model)
    assert len(seen) >= 15
