"""What is made from the catalogue alone, beside the pages: search data, open-data exports,
and each card's header and footer (facts, links, evidence, printed QR codes) and JSON-LD.

None depends on a page's rendered text. Where the system can fork safely (Linux, one
thread), a child process makes them while MkDocs renders the pages in the parent: the build
uses a second processor core, and the memory the search index takes while it is built is
given back when the child ends. The parts come first: the pages wait for them only, and the
search data and exports are finished while the pages are written. Pages carry marks where
the header and footer go; they are put in place as each page is written. Elsewhere (or if
the child fails) everything is made in the build's own process, with the same bytes.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import Any, BinaryIO

from terreau.core import parallel
from terreau.core.catalogue import Catalogue, build
from terreau.core.loader import AnyCard
from terreau.core.pages import DATA
from terreau.derive import export, finder, jsonld
from terreau.site.views.cards import CardViews

PARTS, INDEX = "parties.bin", "parties.json"
SEARCH = "assets/terreau/recherche"


def write(catalogue: Catalogue, site: Path) -> None:
    """Write the finder's data and the exports under ``site`` (``written`` lists them)."""
    shutil.rmtree(site / SEARCH, ignore_errors=True)  # no shard left over from a bigger index
    finder.write(catalogue, site / SEARCH)
    export.write(catalogue, site / DATA)


def is_derived(rel: str) -> bool:
    """A file of the site written by ``write`` (in a child process, while pages are written)."""
    return rel.startswith((SEARCH + "/", DATA + "/"))


def written(site: Path) -> list[str]:
    """The paths of the finder's data and the exports under ``site``, sorted."""
    made = [*(site / SEARCH).rglob("*"), *(site / DATA).rglob("*")]
    return sorted(p.relative_to(site).as_posix() for p in made if p.is_file())


class Writer:
    """Makes the derived files and the cards' parts now (in a child process where it can),
    for ``wait`` and ``parts`` later."""

    def __init__(
        self,
        catalogue: Catalogue,
        site: Path,
        renderer: CardViews,
        preview: bool = False,
    ) -> None:
        """``preview``: a preview rebuilds a few pages; their parts are made when asked, here;
        the search data and exports are made by another process (``refresh_in_background``)."""
        self.preview = preview
        self.catalogue = catalogue
        self.site = site
        self.renderer = renderer
        self.folder = Path(tempfile.mkdtemp(prefix="terreau-parties-"))
        # Removed by close(), or when the build is interrupted (Ctrl+C), at the latest on exit.
        self._removal = weakref.finalize(self, shutil.rmtree, self.folder, ignore_errors=True)
        self.where: dict[str, list[int]] = {}
        self.store: BinaryIO | None = None
        self.last: tuple[str, tuple[str, str, str]] = ("", ("", "", ""))
        self.child: Any = None
        self.parts_ready: Any = None  # set by the child once the parts are written
        if preview:  # parts made when asked; search data and exports: refresh_in_background
            return
        if parallel.can_fork():  # the child gets the catalogue without copying it
            fork = multiprocessing.get_context("fork")
            self.parts_ready = fork.Event()
            self.child = fork.Process(target=self._child, daemon=True)
            self.child.start()
        else:
            self._make()

    def _parts_of(self, card: AnyCard) -> tuple[str, str, str]:
        return (
            self.renderer.header(card),
            self.renderer.footer(card),
            jsonld.script_body(card, self.renderer.site_url),
        )

    def _make(self) -> None:
        # Every card's parts in one file, and where each starts (thousands of small files
        # cost more to write, read and delete).
        where: dict[str, list[int]] = {}
        with (self.folder / PARTS).open("wb") as out:
            for card in self.catalogue.cards.values():
                encoded = [part.encode("utf-8") for part in self._parts_of(card)]
                where[card.id] = [out.tell(), *(len(e) for e in encoded)]
                out.write(b"".join(encoded))
        (self.folder / INDEX).write_text(json.dumps(where), "utf-8")
        if self.parts_ready is not None:  # the pages go on; the search data and exports follow
            self.parts_ready.set()
        write(self.catalogue, self.site)

    def _child(self) -> None:
        parallel.run_in_background()
        self._make()

    def wait(self) -> None:
        """Wait for the cards' parts (the child goes on with the search data and exports, which
        finish() waits for); if the child failed, make everything here, where an error stops
        the build with its message. A preview's pages do not wait (see finish)."""
        if self.preview:
            return
        while self.child is not None and not self.parts_ready.wait(0.05):
            if not self.child.is_alive():  # ended without its parts: failed
                self.finish()
        self.where = json.loads((self.folder / INDEX).read_text("utf-8"))
        self.store = (self.folder / PARTS).open("rb")

    def finish(self) -> None:
        """The derived files are complete when this returns."""
        if self.child is not None:
            self.child.join()
            failed = self.child.exitcode != 0
            self.child = None
            if failed:
                self._make()

    def parts(self, card: AnyCard) -> tuple[str, str, str]:
        """A card's header, footer and JSON-LD (after ``wait``); asked twice per page."""
        if self.last[0] == card.id:
            return self.last[1]
        if self.preview:
            self.last = (card.id, self._parts_of(card))
            return self.last[1]
        start, *sizes = self.where[card.id]
        assert self.store is not None, "parts() before wait()"
        self.store.seek(start)
        data = self.store.read(sum(sizes))
        header, footer = data[: sizes[0]], data[sizes[0] : sizes[0] + sizes[1]]
        found = header.decode("utf-8"), footer.decode("utf-8"), data[sizes[0] + sizes[1] :].decode("utf-8")
        self.last = (card.id, found)
        return found

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None
        if self.child is not None:
            self.child.terminate()
            self.child.join()
            self.child = None
        self._removal()


# -- a preview's search data and exports --------------------------------------------------------

_BACKGROUND: list[subprocess.Popen[bytes]] = []


def refresh_in_background(docs_dir: Path, site: Path, cache_dir: Path, root: Path) -> None:
    """A preview (``mkdocs serve``): the search data and exports made again by another
    process, from docs/ (its cards come from the card cache the build just wrote), while the
    changed page is already served. A refresh still running for an earlier save is stopped."""
    stop_background()
    command = [
        sys.executable,
        "-m",
        "terreau.site.derived",
        str(docs_dir),
        str(site),
        str(cache_dir),
        str(root),
        str(os.getpid()),
    ]
    _BACKGROUND.append(subprocess.Popen(command, stdin=subprocess.DEVNULL))


def wait_background() -> None:
    """Until the preview's search data and exports are in place (tests, the end of a serve)."""
    while _BACKGROUND:
        _BACKGROUND.pop().wait()


def stop_background() -> None:
    while _BACKGROUND:
        process = _BACKGROUND.pop()
        process.terminate()
        process.wait()


def _end_with_parent(parent: int) -> None:
    """The refresh is the preview's: when mkdocs serve stops (Ctrl+C), so does it. The
    parent's number comes from the parent itself: one that stopped while this process was
    starting (its imports take a second) has already left it to another parent, and reading
    the parent's number here would then never see it go (found by the bench, where the
    orphan ran on during the next measure)."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(0)


def main(argv: list[str]) -> int:
    *folders, parent = argv  # as refresh_in_background passes them
    docs_dir, site, cache_dir, root = map(Path, folders)
    parallel.run_in_background()
    threading.Thread(target=_end_with_parent, args=(int(parent),), daemon=True).start()
    catalogue = build(docs_dir, display_root=root, review=False, cache_dir=cache_dir)
    if catalogue.errors:  # the build said them; the previous data stays
        return 1
    made = Path(tempfile.mkdtemp(prefix=f".{site.name}-donnees-", dir=site.parent))
    try:
        write(catalogue, made)
        # Each export replaced whole; the search folder swapped (shards of the old index gone).
        for path in sorted((made / DATA).rglob("*")):
            if path.is_file():
                target = site / path.relative_to(made)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
        old = made / "ancien"
        if (site / SEARCH).exists():
            os.replace(site / SEARCH, old)
        (site / SEARCH).parent.mkdir(parents=True, exist_ok=True)
        os.replace(made / SEARCH, site / SEARCH)
    finally:
        shutil.rmtree(made, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
