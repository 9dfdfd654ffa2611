"""PDFs for real: every card has one, tool sheets fit two pages, booklets have a cover, a
contents page with page numbers and the cards in order; the cache; the restricted fetcher."""

from __future__ import annotations

import logging
import posixpath
import re
import subprocess
from pathlib import Path

import pytest
from conftest import PUBLISHED, ROOT, build_site
from pypdf import PdfReader
from terreau.core.catalogue import build
from terreau.site import pdf, posters


def text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def ink(path: Path, page: int = 1) -> float:
    """Share of dark pixels on a page rendered by pdftoppm (poppler) in grey levels."""
    raw = subprocess.run(
        ["pdftoppm", "-gray", "-r", "30", "-f", str(page), "-l", str(page), str(path)],
        capture_output=True,
        check=True,
    ).stdout
    # A binary PGM: "P5\nwidth height\n255\n" then one byte per pixel.
    header, pixels = raw.split(b"\n", 3)[:3], raw.split(b"\n", 3)[3]
    assert header[0] == b"P5"
    return sum(1 for b in pixels if b < 128) / len(pixels)


def test_every_card_has_a_pdf_linked_from_its_page(site: Path) -> None:
    catalogue = build(ROOT / "docs")
    for card in catalogue.cards.values():
        path = site / Path(card.url).with_suffix(".pdf")
        assert path.stat().st_size > 1000, card.id
        html = (site / card.url).read_text("utf-8")
        assert f'href="{path.name}" download>Télécharger la fiche (PDF)</a>' in html, card.id


def test_tool_sheet_pdfs_fit_two_pages_with_title_and_licence(site: Path) -> None:
    for tool in build(ROOT / "docs").of_kind("outil"):
        if tool.id == posters.CARD:  # the text of eight posters, printed as posters (below)
            continue
        path = site / Path(tool.url).with_suffix(".pdf")
        reader = PdfReader(path)
        assert 1 <= len(reader.pages) <= 2, (tool.id, len(reader.pages))
        content = text(path)
        assert tool.meta.titre.split(" ")[0] in content, tool.id
        assert "CC BY-SA 4.0" in content.replace("\n", " "), tool.id


def test_a_card_pdf_page_is_drawn(site: Path) -> None:
    path = site / "methodes/enquete-collective.pdf"
    assert "Enquête collective" in text(path)
    assert 0.01 < ink(path) < 0.5  # text on the page, not a blank or black sheet


def test_each_parcours_has_a_booklet_with_contents_and_page_numbers(site: Path) -> None:
    catalogue = build(ROOT / "docs")
    for route in catalogue.of_kind("parcours"):
        path = site / "parcours" / f"{route.id}-livret.pdf"
        reader = PdfReader(path)
        steps = [catalogue.cards[s.fiche].meta.titre for s in route.meta.etapes]
        assert len(reader.pages) >= len(steps) + 2, route.id
        cover = reader.pages[0].extract_text()
        assert route.meta.titre.split(" ")[0] in cover and "livret" in cover
        contents = reader.pages[1].extract_text()
        assert "Sommaire" in contents
        positions = [contents.find(t[:20]) for t in steps]
        assert -1 not in positions and positions == sorted(positions), route.id
        assert f"2 / {len(reader.pages)}" in contents  # page numbers in the footer
        link = f'href="{route.id}-livret.pdf" download>Télécharger le livret du parcours (PDF)</a>'
        assert link in (site / route.url).read_text("utf-8")


def test_a_one_card_change_renders_only_what_shows_it(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    build_site(docs, tmp_path / "one", pdf=True, cache=tmp_path / "cache")
    assert "0 repris du cache" in caplog.text
    card = docs / "outils/world-cafe.md"
    card.write_text(card.read_text("utf-8") + "\nUne phrase de plus.\n", "utf-8")
    caplog.clear()
    build_site(docs, tmp_path / "two", pdf=True, cache=tmp_path / "cache")
    message = next(r.getMessage() for r in caplog.records if "PDF :" in r.getMessage())
    rendered = int(message.split("PDF : ")[1].split(" ")[0])
    assert rendered == 1, message  # the world café sheet; no parcours contains it


def test_the_pdf_step_reads_nothing_outside_the_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "dedans.txt").write_text("ok", "utf-8")
    fetcher = pdf.SiteFetcher(site, "https://terreau.example.org/")
    assert fetcher.fetch((site / "dedans.txt").as_uri()).read() == b"ok"
    assert fetcher.fetch("https://terreau.example.org/dedans.txt").read() == b"ok"
    for url in (
        "file:///etc/passwd",
        (site / ".." / "dehors.txt").as_uri(),
        "https://exemple.org/a.png",
        "data:text/plain,x",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    html = f'<p>Texte</p><img src="{secret.as_uri()}"><img src="file:///etc/passwd"><img src="../x.png">'
    job = pdf.Job(site / "x.pdf", html, "https://terreau.example.org/")
    pdf.build([job], site, tmp_path / "cache", "https://terreau.example.org/", workers=1)
    assert "Texte" in text(site / "x.pdf")


@pytest.mark.parametrize("card_id", ["enquete-collective", "guide-entretien-semi-directif"])
def test_the_printed_qr_codes_lead_to_the_card_and_to_the_feedback_form(
    site: Path, tmp_path: Path, card_id: str
) -> None:
    """Codes are encoded beside the page build and put in place afterwards: read them back
    from the PDF as a phone would (pages drawn by poppler, codes read by zxing-cpp)."""
    import zxingcpp
    from PIL import Image

    card = build(ROOT / "docs").cards[card_id]
    html = (site / card.url).read_text("utf-8")
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    assert canonical
    printed = site / Path(card.url).with_suffix(".pdf")
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(printed), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    read = {code.text for png in pages for code in zxingcpp.read_barcodes(Image.open(png))}
    form = [t for t in read if t != canonical.group(1)]
    assert canonical.group(1) in read
    # The feedback form: the site's own, with the card ticked, as the page's link.
    assert form == [f"{PUBLISHED}raconter.html?fiche={card_id}"]
    assert f'raconter.html?fiche={card_id}"' in html


def test_no_page_is_left_with_a_qr_mark_instead_of_a_code(site: Path) -> None:
    left = [
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.suffix in (".html", ".js") and "<!--terreau-qr:" in p.read_text("utf-8")
    ]
    assert left == []
    assert "<svg" in (site / "assets/terreau/impression/enquete-collective.js").read_text("utf-8")


def test_a_pdf_cut_short_in_the_cache_is_made_again(tmp_path: Path) -> None:
    """An interrupted build may have left a truncated PDF under its key (before writes were
    atomic): it is rendered again, never published as is."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    site.mkdir()
    job = pdf.Job(site / "x.pdf", "<h1>Fiche</h1><p>Texte entier</p>", "https://terreau.example.org/")
    cache.mkdir()
    (cache / f"{job.key(pdf.stylesheet())}.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<<")  # cut short
    assert pdf.build([job], site, cache, "https://terreau.example.org/", workers=1) == (1, 0)
    assert "Texte entier" in text(site / "x.pdf")
    assert pdf.build([job], site, cache, "https://terreau.example.org/", workers=1) == (0, 1)
    assert [p.name for p in cache.iterdir() if p.name.startswith(".")] == []  # no temporary left


# -- The starting exhibition's posters (site/posters.py) ---------------------------------------

POSTER_SIZES = {"A3": (841.89, 1190.55), "A1": (1683.78, 2383.94)}  # points, portrait


def plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_the_exhibition_posters_print_one_panel_per_page_in_a3_and_a1(site: Path) -> None:
    card = build(ROOT / "docs").cards[posters.CARD]
    panels = posters.panels(card.body)
    assert 6 <= len(panels) <= 10
    for fmt in posters.FORMATS:
        reader = PdfReader(site / "outils" / posters.file_name(fmt))
        assert len(reader.pages) == len(panels), fmt.name
        for page, panel in zip(reader.pages, panels, strict=True):
            box = page.mediabox
            assert (round(float(box.width), 2), round(float(box.height), 2)) == POSTER_SIZES[fmt.name]
            words = " ".join(page.extract_text().replace("’", "'").split())
            assert panel.title in words, (fmt.name, panel.number)
            assert "Chez nous" in words and "À compléter" in words
            for fact in panel.facts:
                assert f"Source : {plain(fact.source)[:30]}" in words, (fmt.name, panel.number)
            assert f"Panneau {panel.number} / {len(panels)}" in words


def test_a_poster_page_is_drawn_with_its_qr_code_to_the_panel(site: Path, tmp_path: Path) -> None:
    import zxingcpp
    from PIL import Image

    card = build(ROOT / "docs").cards[posters.CARD]
    panel = posters.panels(card.body)[1]
    printed = site / "outils" / posters.file_name(posters.FORMATS[0])
    assert 0.01 < ink(printed, 2) < 0.5
    subprocess.run(
        ["pdftoppm", "-r", "100", "-f", "2", "-l", "2", "-png", str(printed), str(tmp_path / "p")], check=True
    )
    (png,) = tmp_path.glob("p-*.png")
    read = {code.text for code in zxingcpp.read_barcodes(Image.open(png))}
    assert read == {f"{PUBLISHED}{card.url}#{panel.anchor}"}
    assert f'id="{panel.anchor}"' in (site / card.url).read_text("utf-8")


@pytest.mark.parametrize(
    ("page", "label"),
    [
        ("outils/panneaux-exposition-depart.html", "Télécharger les panneaux en"),
        ("methodes/exposition-evolutive.html", "Télécharger les panneaux de l&#39;exposition de départ en"),
        (
            "outils/gabarit-panneau-exposition.html",
            "Télécharger les panneaux de l&#39;exposition de départ en",
        ),
    ],
)
def test_the_posters_are_linked_with_their_size(site: Path, page: str, label: str) -> None:
    html = (site / page).read_text("utf-8")
    for fmt in posters.FORMATS:
        target = site / "outils" / posters.file_name(fmt)
        href = posixpath.relpath(f"outils/{target.name}", posixpath.dirname(page))
        size = posters.size_label(target.stat().st_size)
        assert f'<a href="{href}" download>{label} {fmt.name} (PDF, {size})</a>' in html, (page, fmt.name)
