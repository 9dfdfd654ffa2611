"""What is made from the whole catalogue, beside the pages: search data, open-data exports,
and the QR codes printed on the cards.

None depends on a rendered page. Where the system can fork safely (Linux, one thread), a
child process makes them while MkDocs renders the pages in the parent: the build uses a
second processor core, and the memory the search index takes while it is built is given
back when the child ends. Elsewhere (or if the child fails) they are made in the build's own
process, with the same bytes.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from terreau import export, finder, qr
from terreau.catalogue import Catalogue

SEARCH = "assets/terreau/recherche"
DATA = "donnees"


def write(catalogue: Catalogue, site: Path) -> list[str]:
    """Write the finder's data and the exports under ``site``; their paths, sorted."""
    shutil.rmtree(site / SEARCH, ignore_errors=True)  # no shard left over from a bigger index
    finder.write(catalogue, site / SEARCH)
    export.write(catalogue, site / DATA)
    made = [*(site / SEARCH).rglob("*"), *(site / DATA).rglob("*")]
    return sorted(p.relative_to(site).as_posix() for p in made if p.is_file())


class Writer:
    """``write`` and the QR codes, started now and awaited (``wait``) before they are used."""

    def __init__(
        self,
        catalogue: Catalogue,
        site: Path,
        qr_wanted: list[tuple[str, str]],
        done: Callable[[list[str]], None],
    ) -> None:
        """``done`` is told the files' paths as soon as they are written (by the child)."""
        self.catalogue = catalogue
        self.site = site
        self.qr_wanted = qr_wanted
        self.done = done
        self.qr_codes: dict[str, str] = {}
        self.child: Any = None
        if sys.platform.startswith("linux") and threading.active_count() == 1:
            # fork: the child gets the catalogue without copying it; not with threads
            # running (mkdocs serve), where forking can deadlock.
            handle, name = tempfile.mkstemp(prefix="terreau-qr-", suffix=".json")
            os.close(handle)
            self.codes_file = Path(name)
            self.child = multiprocessing.get_context("fork").Process(
                target=_child, args=(catalogue, site, qr_wanted, self.codes_file, done), daemon=True
            )
            self.child.start()
        else:
            self._here()

    def _here(self) -> None:
        self.done(write(self.catalogue, self.site))
        self.qr_codes = qr.table(self.qr_wanted)

    def wait(self) -> None:
        if self.child is None:
            return
        self.child.join()
        failed = self.child.exitcode != 0
        self.child = None
        if failed:  # made here, where an error stops the build with its message
            self._here()
        else:
            self.qr_codes = json.loads(self.codes_file.read_text("utf-8"))
        self.codes_file.unlink(missing_ok=True)

    def cancel(self) -> None:
        if self.child is not None:
            self.child.terminate()
            self.child.join()
            self.child = None
            self.codes_file.unlink(missing_ok=True)


def _background() -> None:
    """Yield the processor to the build when both want it: the pages are the critical path."""
    if hasattr(os, "nice"):
        os.nice(10)


def _child(
    catalogue: Catalogue,
    site: Path,
    qr_wanted: list[tuple[str, str]],
    codes: Path,
    done: Callable[[list[str]], None],
) -> None:
    _background()
    done(write(catalogue, site))
    codes.write_text(json.dumps(qr.table(qr_wanted)), "utf-8")
