"""Open data: the exports validate against their own data package, are stable, and are safe
to open in a spreadsheet; every card page carries a schema.org description."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import frictionless
import jsonschema
from conftest import ROOT
from terreau.cli import main
from terreau.core.catalogue import build
from terreau.core.models import FOLDERS
from terreau.derive import export


def test_exports_validate_against_their_data_package(site: Path) -> None:
    report = frictionless.validate(str(site / "donnees/datapackage.json"))
    assert report.valid, [(t.name, [e.message for e in t.errors][:3]) for t in report.tasks]
    package = json.loads((site / "donnees/datapackage.json").read_text("utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-SA-4.0"
    # No structure wrote a card (issue 17): the commons' team is the author.
    assert package["contributors"] == [{"title": "L'équipe du commun Terreau", "role": "author"}]


def test_json_records_follow_the_card_schemas(site: Path) -> None:
    for kind, folder in FOLDERS.items():
        schema = json.loads((site / f"donnees/schemas/{kind}.schema.json").read_text("utf-8"))
        records = json.loads((site / f"donnees/{folder}.json").read_text("utf-8"))
        assert records, folder
        assert [r["id"] for r in records] == sorted(r["id"] for r in records)
        for r in records:
            front = {k: v for k, v in r.items() if k not in ("id", "url", "texte")}
            jsonschema.validate(front, schema)
            assert r["texte"].strip()


def test_csv_tables_have_the_expected_rows(site: Path) -> None:
    catalogue = build(ROOT / "docs")
    actions = list(csv.DictReader(io.StringIO((site / "donnees/actions.csv").read_text("utf-8"))))
    assert len(actions) == len(catalogue.of_kind("action"))
    food = next(a for a in actions if a["id"] == "proteines-vegetales-restauration-collective")
    assert food["axe_titre"] == "Résilience alimentaire"
    assert food["objectif"] == "alimentation-vegetale"
    records = list(csv.DictReader(io.StringIO((site / "donnees/retours.csv").read_text("utf-8"))))
    leaz = next(r for r in records if r["id"] == "leaz-porte-a-porte")
    assert leaz["communes_insee"] == "01209" and leaz["communes_noms"] == "Léaz"


def test_spreadsheet_formulas_are_neutralised(docs: Path) -> None:
    card = docs / "methodes/enquete-collective.md"
    text = card.read_text("utf-8").replace("titre: Enquête collective", 'titre: "=HYPERLINK(\\"x\\")"')
    card.write_text(
        text.replace("\nd_apres:\n", '\nstructures: ["+33 cmd", "@SUM(1)", "-2+3"]\nd_apres:\n'),
        "utf-8",
    )
    rows = list(csv.reader(io.StringIO(dict(export.files(build(docs)))["fiches.csv"])))
    row = next(r for r in rows if r[0] == "enquete-collective")
    assert row[2] == '\'=HYPERLINK("x")'
    assert row[14] == "'+33 cmd ; @SUM(1) ; -2+3"
    assert export.safe_cell("-3") == "'-3" and export.safe_cell("3") == "3"


def test_the_command_writes_the_same_files_as_the_site(site: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["exporter", "--docs", str(ROOT / "docs"), "--dossier", str(tmp_path)]) == 0
    assert "fichiers écrits" in capsys.readouterr().out
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    # The site announces these names to MkDocs before they are written.
    assert [p.relative_to(tmp_path).as_posix() for p in written] == sorted(export.names())
    for path in written:
        assert path.read_bytes() == (site / "donnees" / path.relative_to(tmp_path)).read_bytes()


def jsonld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))


def test_card_pages_carry_schema_org_descriptions(site: Path) -> None:
    catalogue = build(ROOT / "docs")
    method = catalogue.cards["enquete-collective"]
    data = jsonld((site / method.url).read_text("utf-8"))
    assert data["@type"] == "HowTo" and data["name"] == "Enquête collective"
    assert data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    # Issue 17: written by the commons' team, based on the partners' project document.
    assert data["author"] == [{"@type": "Organization", "name": "L'équipe du commun Terreau"}]
    assert [w["author"]["name"] for w in data["isBasedOn"]] == ["La Traverse", "Les Localos"]
    assert "dateModified" not in data  # never reviewed
    reviewed = jsonld((site / catalogue.cards["jardins-partages"].url).read_text("utf-8"))
    assert reviewed["dateModified"] == "2026-11-30"
    assert len(data["step"]) == len(method.meta.etapes)
    record = catalogue.cards["leaz-porte-a-porte"]
    assert jsonld((site / record.url).read_text("utf-8"))["@type"] == "CreativeWork"
