"""Printing for the trainer: QR codes large enough to scan and only towards a real address,
parcours booklets that open with the parcours itself, a compact key-facts box, and a 404
page that works from a folder."""

from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path

import pytest
from conftest import PUBLISHED, ROOT, build_site
from pypdf import PdfReader
from terreau.core.catalogue import build
from terreau.site import address

DPI = 150
MM_PER_INCH = 25.4


def codes(pdf: Path, out: Path) -> list[tuple[str, float]]:
    """The QR codes printed in ``pdf``, read as a phone would: (text, width in mm of the
    code itself, quiet zone excluded), from pages drawn by poppler at a known resolution."""
    import zxingcpp
    from PIL import Image

    out.mkdir()
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(out / "p")], check=True)
    found = []
    for png in sorted(out.glob("p-*.png")):
        for code in zxingcpp.read_barcodes(Image.open(png)):
            p = code.position
            xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
            found.append((code.text, (max(xs) - min(xs)) / DPI * MM_PER_INCH))
    return found


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_placeholders_are_told_apart_from_real_addresses() -> None:
    for fake in (address.PLACEHOLDER, "https://terreau.example.org/sous/", "https://x.invalid/", ""):
        assert not address.is_real(fake), fake
    for real in (PUBLISHED, "https://terreau.fr/", "https://example.org.fr/"):
        assert address.is_real(real), real


@pytest.mark.parametrize("card_id", ["enquete-collective", "guide-entretien-semi-directif"])
def test_printed_qr_codes_are_at_least_20_mm_wide(site: Path, tmp_path: Path, card_id: str) -> None:
    card = build(ROOT / "docs").cards[card_id]
    found = codes(site / Path(card.url).with_suffix(".pdf"), tmp_path / "pages")
    assert {text for text, _ in found} >= {PUBLISHED + card.url}
    assert len(found) == 2, found  # the card and the feedback form
    assert all(width >= 20 for _, width in found), found


def test_with_a_placeholder_address_no_code_leads_to_the_card_and_the_log_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from test_golden import lay_out

    caplog.set_level(logging.INFO)
    docs = lay_out(tmp_path / "docs")
    site = tmp_path / "site"
    build_site(docs, site, pdf=True, cache=tmp_path / "cache", site_url=address.PLACEHOLDER)
    told = [r.getMessage() for r in caplog.records if "Adresse de publication provisoire" in r.getMessage()]
    assert len(told) == 1 and address.PLACEHOLDER in told[0], told
    printed = site / "methodes/methode-essai.pdf"
    found = codes(printed, tmp_path / "pages")
    assert len(found) == 1 and "retour" in found[0][0], found  # the feedback form stays
    content = flat("\n".join(p.extract_text() for p in PdfReader(printed).pages))
    assert "Cette fiche en ligne" not in content and "example.org" not in content
    assert "Cette fiche en ligne" not in (site / "methodes/methode-essai.html").read_text("utf-8")


def test_a_booklet_opens_with_the_parcours_summary_and_steps_before_its_cards(site: Path) -> None:
    catalogue = build(ROOT / "docs")
    for route in catalogue.of_kind("parcours"):
        reader = PdfReader(site / "parcours" / f"{route.id}-livret.pdf")
        assert "Sommaire" in reader.pages[1].extract_text()
        after_contents = flat("\n".join(p.extract_text() for p in reader.pages[2:]))
        first = catalogue.cards[route.meta.etapes[0].fiche]
        first_card = after_contents.find(flat(first.meta.resume)[:40])
        assert first_card > 0, route.id
        overview = after_contents[:first_card]
        assert flat(route.meta.resume)[:40] in overview, route.id
        for step in route.meta.etapes:
            assert flat(step.quand) in overview, (route.id, step.quand)
            assert flat(step.pourquoi)[:30] in overview, (route.id, step.pourquoi)


def test_the_404_page_works_opened_from_a_folder(site: Path, page: object) -> None:
    html = (site / "404.html").read_text("utf-8")
    assert re.findall(r'(?:href|src)="/[^/]', html) == []
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))  # type: ignore[attr-defined]
    page.goto((site / "404.html").as_uri())  # type: ignore[attr-defined]
    header = page.evaluate(  # type: ignore[attr-defined]
        "getComputedStyle(document.querySelector('.md-header')).position"
    )
    assert header == "sticky"  # mkdocs-material's stylesheet applies
    assert failed == []


def test_a_form_to_fill_in_prints_with_room_to_write(server: str, page) -> None:  # type: ignore[no-untyped-def]
    """The paper feedback form (« Gabarit de retour d'expérience », handed out in a workshop):
    printed, its tables take the page's width and each empty cell leaves room for a line of
    handwriting (about 1 cm), instead of collapsing to nothing."""
    page.goto(server + "outils/gabarit-retour-experience.html")
    page.emulate_media(media="print")
    sizes = page.evaluate(
        """() => {
          const table = document.querySelector('article table');
          const empty = [...table.querySelectorAll('td')].filter(td => !td.textContent.trim());
          return {table: table.getBoundingClientRect().width,
                  article: document.querySelector('article').getBoundingClientRect().width,
                  empty: empty.length,
                  lowest: Math.min(...empty.map(td => td.getBoundingClientRect().height))};
        }"""
    )
    assert sizes["empty"] >= 10
    assert sizes["table"] >= 0.95 * sizes["article"], sizes
    assert sizes["lowest"] >= 0.75 * 96 / 2.54, sizes  # a handwritten line: 7.5 mm at 96 px per inch
