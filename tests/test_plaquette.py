"""The plaquette (plaquette.pdf): a short A5 guide for a commune starting out, composed from
the cards at every build. 8 to 12 pages whatever the commons holds; the five axes, « Par où
commencer », three field stories, the site's address; QR codes a phone reads; linked with its
size; a changed card changes it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import PUBLISHED, ROOT
from pypdf import PdfReader
from terreau.core.catalogue import Catalogue, build
from terreau.core.models import Axe, Parcours
from terreau.site import plaquette
from terreau.site.build import Settings, SiteBuild
from terreau.site.render import environment, size_label
from terreau.site.views.pages import PageViews

A5 = (419.53, 595.28)  # points


def text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages).replace("\n", " ")


def brochure(docs: Path, out: Path) -> Path:
    """The plaquette of ``docs`` for the published address, made as a build makes it."""
    settings = Settings(docs, out / "site", docs.parent, site_url=PUBLISHED, cache_dir=out / "cache")
    (out / "site").mkdir(parents=True)
    assert SiteBuild(settings, lambda _message: None).plaquette_size()
    return out / "site" / plaquette.TARGET


def views(catalogue: Catalogue) -> PageViews:
    return PageViews(catalogue=catalogue, env=environment(), site_url=PUBLISHED)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return build(ROOT / "docs")


def test_every_card_the_data_file_names_exists(catalogue: Catalogue) -> None:
    data = plaquette.plan().raw
    assert catalogue.get(data["parcours"], Parcours) is not None
    for card_id in data["outils"]:
        assert catalogue.cards[card_id].kind in ("methode", "outil"), card_id
    for card_id in data["retours"]:
        assert catalogue.cards[card_id].kind == "retour", card_id


def test_the_plaquette_is_an_a5_guide_of_8_to_12_pages(site: Path, catalogue: Catalogue) -> None:
    path = site / plaquette.TARGET
    reader = PdfReader(path)
    assert 8 <= len(reader.pages) <= 12, len(reader.pages)
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A5, abs=0.01)
    content = text(path)
    for axis in catalogue.of_model(Axe):
        assert axis.meta.titre in content, axis.id
    assert "Par où commencer ?" in content
    assert PUBLISHED in content
    assert "CC BY-SA 4.0" in content and "Raconter votre expérience" in content
    stories = plaquette.field_stories(catalogue, [], 3)
    assert len(stories) == 3
    for record in stories:
        assert record.meta.lieu.nom in content, record.id
        assert record.meta.verification == "source-publique"


def test_its_qr_codes_lead_to_the_site_and_to_the_feedback_form(site: Path, tmp_path: Path) -> None:
    """Read back as a phone would: pages drawn by poppler, codes read by zxing-cpp."""
    import zxingcpp
    from PIL import Image

    path = site / plaquette.TARGET
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "p")], check=True)
    read = {code.text for png in tmp_path.glob("p-*.png") for code in zxingcpp.read_barcodes(Image.open(png))}
    assert PUBLISHED in read
    assert f"{PUBLISHED}raconter.html" in read
    assert f"{PUBLISHED}methodes/enquete-collective.html" in read
    assert f"{PUBLISHED}parcours/demarrer-moins-de-1000-habitants.html" in read


def test_the_home_page_and_its_own_page_link_to_it_with_its_size(site: Path) -> None:
    size = size_label((site / plaquette.TARGET).stat().st_size)
    home = (site / "index.html").read_text("utf-8")
    assert f'<a href="plaquette.pdf" download>La plaquette à imprimer</a> (PDF A5, {size})' in home
    assert '<a href="plaquette.html">comment l\'imprimer</a>' in home
    page = (site / "plaquette.html").read_text("utf-8")
    assert f'<a href="plaquette.pdf" download>Télécharger la plaquette</a> (PDF A5, {size})' in page
    assert "Livret" in page and "recto verso" in page


def test_a_changed_axis_summary_changes_the_brochure(docs: Path, tmp_path: Path) -> None:
    axis = docs / "axes/resilience-alimentaire.md"
    source = axis.read_text("utf-8")
    before = text(brochure(docs, tmp_path / "avant"))
    assert "Pouvoir nourrir les habitants du territoire" in before
    new = "Une phrase nouvelle pour le résumé de cet axe, écrite par le test de la plaquette."
    axis.write_text(re.sub(r"resume: >-\n(  .*\n)+", f"resume: {new}\n", source, count=1), "utf-8")
    after = text(brochure(docs, tmp_path / "apres"))
    assert new in after
    assert "Pouvoir nourrir les habitants du territoire" not in after


def test_a_growing_commons_keeps_it_within_12_pages(docs: Path, tmp_path: Path) -> None:
    """More records of small villages and more actions: the limits of plaquette.yml hold."""
    record = (docs / "retours/luc-sur-aude-energie-citoyenne.md").read_text("utf-8")
    for n in range(6):
        (docs / f"retours/copie-{n}.md").write_text(
            record.replace('titre: "', f'titre: "Copie {n} — ', 1), "utf-8"
        )
    for action in sorted((docs / "actions").glob("*.md"))[:10]:
        shutil.copy(action, action.with_name(f"copie-{action.name}"))
    catalogue = build(docs)
    assert not catalogue.errors, catalogue.errors[:3]
    context = plaquette.context(views(catalogue))
    assert len(context["retours"]) == 3
    assert all(len(axis["actions"]) <= 3 for axis in context["axes"])
    pages = len(PdfReader(brochure(docs, tmp_path / "grand")).pages)
    assert 8 <= pages <= 12, pages
