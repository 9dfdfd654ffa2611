"""The official list of communes: where it comes from, what the validator and the site do with it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from terreau.core import communes
from terreau.core.catalogue import Catalogue, build
from terreau.core.loader import load_bytes
from terreau.core.models import Retour
from terreau.derive import finder

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "node_modules" / "@etalab" / "decoupage-administratif"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("communes_script", ROOT / "scripts" / "communes.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_list_is_the_official_package_unchanged() -> None:
    """communes.tsv is exactly what scripts/communes.py makes from the pinned npm package."""
    assert (PACKAGE / "data" / "communes.json").is_file(), "npm ci installs the official package"
    made = _script().table(PACKAGE)
    assert (ROOT / "tools" / "terreau" / "core" / "data" / "communes.tsv").read_text("utf-8") == made


def test_lookups_give_name_departement_and_population() -> None:
    luc = communes.get("11209")
    assert luc is not None
    assert (luc.nom, luc.departement) == ("Luc-sur-Aude", "11")
    assert luc.population is not None and 200 < luc.population < 300
    assert communes.get("2A004") is not None and communes.departement_of("2A004") == "2A"
    assert communes.departement_of("97411") == "974"
    assert communes.get("00000") is None
    # Some 35,000 current communes; the header says where they come from.
    assert 34_000 < len(communes.communes()) < 36_000
    assert communes.header()["licence"].startswith("Licence Ouverte")


def test_names_fold_as_people_type_them() -> None:
    assert communes.fold("St-Étienne-de-Tinée") == communes.fold("saint etienne de tinee")
    assert communes.same_name("L'Abergement-Clémenciat", "l abergement clemenciat")
    assert not communes.same_name("Luc-sur-Aude", "Luc-sur-Orbieu")


RECORD = """---
type: retour
titre: Un essai
resume: Un village a essayé quelque chose, avec ses sources.
lieu:
  nom: Quelque part
  communes:
    - nom: {nom}
      insee: "{insee}"
periode:
  debut: "2020"
structure_porteuse: La commune
fiches: [enquete-collective]
ce_qui_a_marche: [Une chose.]
verification: source-publique
sources:
  - titre: Un article
    url: https://exemple.fr/article
---

Le texte.
"""


def _problems(nom: str, insee: str) -> list[tuple[str, int, str]]:
    text = RECORD.format(nom=nom, insee=insee)
    card, problems = load_bytes(text.encode(), "retours/essai.md", "docs/retours/essai.md")
    assert card is not None, "warnings only: the record stays valid"
    return [(p.code, p.line, p.field) for p in problems]


def test_validator_warns_of_an_unknown_code_or_another_communes_code() -> None:
    assert _problems("Luc-sur-Aude", "11209") == []
    assert _problems("Luc sur Aude", "11209") == []  # spelling differences are not mistakes
    assert _problems("Luc-sur-Aude", "11999") == [("COMMUNE_INCONNUE", 9, "lieu.communes[1].insee")]
    assert _problems("Limoux", "11209") == [("COMMUNE_NOM", 9, "lieu.communes[1].insee")]


def test_records_without_population_take_the_official_one(catalogue: Catalogue) -> None:
    """Luc-sur-Aude's record gives no population: the search still files it under
    « Moins de 500 habitants » and its page says how many live there, and from where."""
    card = catalogue.get("luc-sur-aude-energie-citoyenne", Retour)
    assert card is not None
    assert card.meta.lieu.communes[0].population is None
    assert finder.facet_values(card, catalogue)["communes"] == ["moins-500"]


def test_the_record_page_shows_the_population_and_its_source(site: Path) -> None:
    page = (site / "retours" / "luc-sur-aude-energie-citoyenne.html").read_text("utf-8")
    known = communes.get("11209")
    assert known is not None and known.population is not None
    assert f"code INSEE 11209, {known.population} habitants (INSEE, 2026)" in page


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return build(ROOT / "docs")
