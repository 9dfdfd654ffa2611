"""The last wall before publication: the built site holds only the files the build made."""

from __future__ import annotations

import os
import stat
from pathlib import Path

UNEXPECTED = " : fichier inattendu"  # the line's end for a file no step announced


def unexpected(site_dir: Path, expected: set[str]) -> list[str]:
    """Files of ``site_dir`` that no step of the build announced, and anything that is not a
    regular file (a link, a FIFO): French lines, sorted; empty when the site is clean."""
    found: list[str] = []
    _walk(os.fspath(site_dir), "", expected, found)
    return sorted(found)


def _walk(folder: str, prefix: str, expected: set[str], found: list[str]) -> None:
    """One folder (``prefix``: its path in the site, ending with « / »); never follows a link.
    Plain strings and os.scandir: the site of a 5,000-card commons holds 20,000 files."""
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            rel = prefix + entry.name
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISLNK(mode):
                found.append(f"{rel} : lien symbolique")
            elif stat.S_ISDIR(mode):
                _walk(entry.path, rel + "/", expected, found)
            elif not stat.S_ISREG(mode):
                found.append(f"{rel} : fichier spécial")
            elif rel not in expected:
                found.append(rel + UNEXPECTED)
