"""The preview (./scripts/servir runs « mkdocs serve --dirty »): after a card is edited, added,
renamed or deleted, the folder the preview rebuilt holds the same files, byte for byte, as a
clean build of the same sources — while it rewrote only the changed card, its neighbours and
the pages made from the whole catalogue."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT
from mkdocs.commands.build import build
from mkdocs.config import load_config
from terreau.site import derived

FIXTURES = ROOT / "tests/fixtures"


def _build(docs: Path, site: Path, cache: Path, preview: bool) -> tuple[int, int]:
    """A build; how many cards it took from the cache of rendered pages, and rendered."""
    config = load_config(config_file=str(ROOT / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(site))
    config.strict = False  # MkDocs warns about its own dirty builds (and a fixture lacks pages of the menu)
    config.plugins["terreau"].config.cache = str(cache)  # type: ignore[attr-defined]
    config.plugins.on_startup(command="serve" if preview else "build", dirty=preview)
    build(config, dirty=preview)
    if preview:  # its search data and exports are made by another process: until they are
        derived.wait_background()
    rendered = config.plugins["terreau"].rendered  # type: ignore[attr-defined]
    return rendered.hits, rendered.misses


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _later(path: Path) -> None:
    """A saved file is newer than the pages written from it (coarse clocks included)."""
    future = path.stat().st_mtime + 5
    os.utime(path, (future, future))


@pytest.fixture
def preview(tmp_path: Path):  # type: ignore[no-untyped-def]
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "base", docs)
    # A merged card's old address: its page is not the leftover of a deleted card.
    (docs / "redirections.yml").write_text(
        "- ancienne: outils/outil-fusionne\n  nouvelle: outil-essai\n  date: 2026-11-30\n", "utf-8"
    )
    site = tmp_path / "apercu"
    _build(docs, site, tmp_path / "cache", preview=True)

    def again_and_compare() -> dict[str, bytes]:
        before = {p: p.stat().st_mtime_ns for p in site.rglob("*.html")}
        _build(docs, site, tmp_path / "cache", preview=True)
        clean = tmp_path / "propre"
        shutil.rmtree(clean, ignore_errors=True)
        # With no cache: every card rendered and checked again.
        shutil.rmtree(tmp_path / "vide", ignore_errors=True)
        _build(docs, clean, tmp_path / "vide", preview=False)
        got, expected = _files(site), _files(clean)
        assert sorted(got) == sorted(expected)
        differ = [rel for rel in expected if got[rel] != expected[rel]]
        assert differ == []
        rewritten = {p for p in site.rglob("*.html") if before.get(p) != p.stat().st_mtime_ns}
        return {p.relative_to(site).as_posix(): b"" for p in rewritten}

    return docs, again_and_compare


def test_the_preview_equals_a_clean_build_after_each_kind_of_change(preview) -> None:  # type: ignore[no-untyped-def]
    docs, again_and_compare = preview
    tool = docs / "outils/outil-essai.md"
    # Edit: only this card's page among the cards is rewritten, and its neighbours.
    tool.write_text(tool.read_text("utf-8") + "\nUne phrase ajoutée pendant l'aperçu.\n", "utf-8")
    _later(tool)
    rewritten = again_and_compare()
    assert "outils/outil-essai.html" in rewritten
    assert "actions/action-essai.html" not in rewritten  # a card it has nothing to do with
    # The pages made from the whole catalogue show no card's text: kept as they were…
    assert "outils/index.html" not in rewritten and "trouver/medecin.html" not in rewritten
    # … until what they show changes (a title).
    tool.write_text(tool.read_text("utf-8").replace("titre: ", "titre: Autre ", 1), "utf-8")
    _later(tool)
    rewritten = again_and_compare()
    assert {"outils/index.html", "outils/outil-essai.html"} <= set(rewritten)
    # Add a card that points to another: the card it points to now lists it (« qui y renvoie »).
    new = docs / "outils/outil-nouveau.md"
    text = tool.read_text("utf-8").replace("titre: ", "liens: [methode-essai]\ntitre: Nouvel ", 1)
    new.write_text(text, "utf-8")
    _later(new)
    rewritten = again_and_compare()
    assert {"outils/outil-nouveau.html", "methodes/methode-essai.html"} <= set(rewritten)
    assert "actions/action-essai.html" not in rewritten
    # Rename it (a new address), then delete it: no page of the old one is left behind.
    renamed = new.with_name("outil-renomme.md")
    new.rename(renamed)
    _later(renamed)
    again_and_compare()
    renamed.unlink()
    again_and_compare()


def test_a_full_build_from_the_cache_of_rendered_cards_equals_one_without(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "base", docs)
    cache = tmp_path / "cache"
    hits, rendered = _build(docs, tmp_path / "premier", cache, preview=False)
    assert hits == 0 and rendered > 3
    card = docs / "methodes" / "methode-essai.md"
    card.write_text(card.read_text("utf-8") + "\nUne phrase ajoutée.\n", "utf-8")
    # Only the edited card is rendered again (the list of pages did not change).
    assert _build(docs, tmp_path / "second", cache, preview=False) == (rendered - 1, 1)
    _build(docs, tmp_path / "sans-cache", tmp_path / "vide", preview=False)
    got, expected = _files(tmp_path / "second"), _files(tmp_path / "sans-cache")
    assert sorted(got) == sorted(expected)
    assert [rel for rel in expected if got[rel] != expected[rel]] == []
    assert "Une phrase ajoutée." in (tmp_path / "second/methodes/methode-essai.html").read_text("utf-8")


# The two-core build runs in a fresh interpreter: forking needs a process with one thread
# (core/parallel.can_fork), which the test process is not once Playwright's tests ran in it.
TWO_CORES = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import test_apercu
from terreau.adapters.mkdocs import rendered
rendered.MIN_CARDS = 1  # the corpus has 199 cards
started = rendered.Helper.__init__
def started_then_done(helper, *args):
    started(helper, *args)
    if helper.child is not None:  # every card from the child, whatever the machine's load
        helper.child.join()
        helper.child = None
rendered.Helper.__init__ = started_then_done
print(*test_apercu._build(*map(Path, sys.argv[2:5]), preview=False))
"""


def test_a_cold_build_rendering_cards_on_two_cores_equals_one_on_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from terreau.core import parallel

    arguments = [ROOT / "tests", ROOT / "docs", tmp_path / "deux", tmp_path / "cache"]
    two = subprocess.run(
        [sys.executable, "-c", TWO_CORES, *map(str, arguments)], capture_output=True, text=True, check=True
    )
    assert two.stdout.split() == ["199", "0"]  # every card as the second process rendered it
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    assert _build(ROOT / "docs", tmp_path / "un", tmp_path / "vide", preview=False)[0] == 0
    got, expected = _files(tmp_path / "deux"), _files(tmp_path / "un")
    assert sorted(got) == sorted(expected)
    assert [rel for rel in expected if got[rel] != expected[rel]] == []


def test_a_refresh_whose_preview_stopped_ends_at_once(tmp_path: Path) -> None:
    """The preview's background refresh is told its parent's number: one whose mkdocs serve
    stopped while it was starting ends at once, instead of running on (it rebuilds the search
    of the whole commons) beside whatever the machine does next."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a parent that is no longer there
    site = tmp_path / "site"
    site.mkdir()
    start = time.monotonic()
    arguments = [ROOT / "docs", site, tmp_path, ROOT, gone.pid]
    refresh = subprocess.run(
        [sys.executable, "-m", "terreau.site.derived", *map(str, arguments)], timeout=60, check=False
    )
    assert time.monotonic() - start < 10  # the refresh of the real commons takes longer
    assert refresh.returncode == 0
    assert not (site / "assets").exists()  # nothing written
