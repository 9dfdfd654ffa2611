"""References between cards live in the models' annotations and are checked by one pass."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field
from terreau.core import catalogue as catalogue_module
from terreau.core import loader, models
from terreau.core.catalogue import build, references


def test_a_new_reference_field_is_checked_with_no_other_change(
    docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class MethodeVoisine(models.Methode):
        voisine: models.RefOutil | None = Field(None, description="Une fiche outil voisine.")

    monkeypatch.setitem(models.MODELS, "methode", MethodeVoisine)
    monkeypatch.setitem(loader.MODELS, "methode", MethodeVoisine)
    card = docs / "methodes/enquete-collective.md"
    text = card.read_text("utf-8").replace("\ntitre:", "\nvoisine: outil-inexistant\ntitre:", 1)
    card.write_text(text, "utf-8")
    found = build(docs)
    line = text.split("\n").index("voisine: outil-inexistant") + 1
    assert [(p.code, p.field, p.line) for p in found.problems] == [("REFERENCE_INCONNUE", "voisine", line)]
    # A card of the wrong kind is refused too: the marker names the kinds allowed.
    card.write_text(text.replace("voisine: outil-inexistant", "voisine: exposition-evolutive"), "utf-8")
    assert [(p.code, p.field) for p in build(docs).problems] == [("REFERENCE_MAUVAIS_TYPE", "voisine")]


def test_every_reference_of_a_card_is_found_nested_ones_included(docs: Path) -> None:
    found = build(docs)
    method = found.cards["enquete-collective"]
    paths = {path for path, _ref, _marker in references(method.meta)}
    assert ("etapes", 1, "outils", 0) in paths and ("liens", 0) in paths
    record = next(c for c in found.of_kind("retour") if c.meta.fiches)
    assert {path[0] for path, _ref, _marker in references(record.meta)} >= {"fiches"}
    action = found.of_kind("action")[0]
    assert [(p, r) for p, r, _m in references(action.meta) if p == ("axe",)] == [(("axe",), action.meta.axe)]


def test_one_walk_places_an_action_in_the_tree(docs: Path) -> None:
    found = build(docs)
    action = found.of_kind("action")[0]
    where = found.placement(action)
    assert where.axe is not None and where.orientation is not None and where.objectif is not None
    assert where.objectif.id == action.meta.objectif
    partial = catalogue_module.place(found.cards, action.meta.axe, "inconnue", "x")
    assert partial.axe is not None and partial.orientation is None and partial.objectif is None
