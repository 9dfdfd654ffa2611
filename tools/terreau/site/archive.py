"""The offline version: the whole built site in one zip, to open from a folder or a USB stick,
and smaller zips of parts of it (``Part``: an axis, a kind of card; offline.py says which).

Compressing a large site takes as long as rendering it, so the zip is written by a separate
process (``python -m terreau.archive SITE``, driven by ``Archive``) that is told each file's
name once the file is complete, and compresses it on another processor core while the pages
render. Same site, same bytes: fixed dates, and members in an order that depends on the
sources only.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import posixpath
import queue
import re
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from terreau.core import parallel, tree

NAME = "terreau-hors-ligne.zip"
PARTIAL = f".{NAME}.tmp"  # the archive while it is written
FOLDER = "terreau"  # what the archive unpacks into
# PDFs, images and compressed files gain nothing from compression: stored, faster.
PACKED = (".pdf", ".png", ".jpg", ".gz", ".zip", ".woff2")
# A part's own pages, at its root: what it holds (the site's home page is not in a part, so
# the cards' link « home » opens it), where links that leave the part lead, and what the
# cards' « Voir le kit » opens (the kit needs every card's print fragment: not in a part).
ENTRY, ABSENT, KIT = "index.html", "hors-archive.html", "kit.html"
OWN = (ENTRY, ABSENT, KIT)
STYLES = "<!--terreau-feuilles-de-style-->"  # in those two pages: the stylesheets, once known
# The site's files every part holds: what pages need to show (stylesheets, scripts, icons),
# not the search data (a part has no search page), the kit's print fragments, or the theme's
# own search engine, which this site does not use.
SHARED = "assets/"
NOT_SHARED = (
    "assets/terreau/recherche/",
    "assets/terreau/impression/",
    "assets/terreau/lunr/",
    "assets/javascripts/lunr/",
    "assets/javascripts/workers/",
)


@dataclass(frozen=True)
class Part:
    """A smaller archive: its pages and PDFs (``members``, site paths), the shared assets, and
    its own pages (``own``: OWN's names → pages already rendered, stylesheets left to fill)."""

    name: str  # the zip's file name, at the site's root
    folder: str  # what it unpacks into
    members: tuple[str, ...]
    own: dict[str, str]
    title: str = ""
    summary: str = ""

    @functools.cached_property
    def _members(self) -> frozenset[str]:
        return frozenset(self.members)

    def holds(self, rel: str) -> bool:
        shared = rel.startswith(SHARED) and not rel.startswith(NOT_SHARED)
        # Images of docs/ (in folders named « images », small by rule): every part holds them
        # all rather than work out which page shows which.
        return rel in self._members or shared or f"/{tree.IMAGES_FOLDER}/" in f"/{rel}"


def partial(name: str) -> str:
    return f".{name}.tmp"


def names(parts: Iterable[Part]) -> set[str]:
    """The files the archives put in the site, finished or being written."""
    return {NAME, PARTIAL} | {n for p in parts for n in (p.name, partial(p.name))}


# Links, images, scripts and forms (the header's search), but not a place in the same page
# (« #… », the most frequent). No \b before the attribute: four times slower, and
# « data-href » is a link too.
LINK = re.compile(r'((?:href|src|action)=")(?!#)([^"]*)(")')


def relink(html: str, rel: str, part: Part, memo: dict[tuple[str, str], str] | None = None) -> str:
    """A page of ``part`` whose links to pages the part does not hold lead to its page « not
    in this archive ». Why not to the page online: a part is opened where there is no network,
    and an online link would end on the browser's own error page, which does not say that the
    page exists elsewhere (nor is there an address to give while the site's is a placeholder);
    the local page says it in French, and names the complete archive and the online site.
    ``memo``: the links already decided for this part (pages share their menu's links)."""
    folder = posixpath.dirname(rel)
    memo = {} if memo is None else memo

    def one(match: re.Match[str]) -> str:
        url = match.group(2)
        kept = memo.get((folder, url))
        if kept is None:
            kept = memo[(folder, url)] = _relinked(url, folder, part)
        return match.group(1) + kept + match.group(3)

    return LINK.sub(one, html)


def _relinked(url: str, folder: str, part: Part) -> str:
    split = urlsplit(url)
    if split.scheme or split.netloc or not split.path or url.startswith("/"):
        return url  # another site, a place in this page, or not a file of the site
    target = posixpath.normpath(posixpath.join(folder, unquote(split.path)))
    if split.path.endswith("/") or target == ".":
        target = posixpath.join(target, "index.html").removeprefix("./")
    if target.startswith("../") or target in OWN or part.holds(target):
        return url
    return posixpath.relpath(ABSENT, folder or ".")


def _stamp() -> tuple[int, int, int, int, int, int]:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))  # 1980-01-01 at the least
    year, month, day, hour, minute, second = time.gmtime(max(epoch, 315532800))[:6]
    return year, month, day, hour, minute, second


def _wanted(rel: str) -> bool:
    # Source maps are for developers; the archive is for people in a village hall.
    # Dot files are temporary (atomic writes, the archives while they are written).
    # The archives themselves are the zips at the site's root.
    archived = "/" not in rel and rel.endswith(".zip")
    return not archived and not rel.endswith(".map") and not rel.rsplit("/", 1)[-1].startswith(".")


def site_files(site_dir: Path) -> list[str]:
    """The site's files that go into the archive, sorted, relative to the site."""
    found = (
        p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file() and not p.is_symlink()
    )
    return sorted(rel for rel in found if _wanted(rel))


Seen = tuple[tuple[int, int, int], bytes]  # (size, mtime, inode) and content digest, as read


def zip_files(
    site_dir: Path, names: Iterator[str], parts: Iterable[Part] = (), whole: bool = True
) -> dict[str, Seen]:
    """Zip the named files in the order given, into the whole archive (unless not ``whole``)
    and into each part that holds them; each zip is a temporary file put in place only when
    complete. Each file is read once (a part's pages are relinked in memory, one at a time).
    Returns how each file was when read (its stat signature and content digest)."""
    stamp = _stamp()
    read: dict[str, Seen] = {}
    parts = list(parts)
    with contextlib.ExitStack() as stack:
        everything = stack.enter_context(zipfile.ZipFile(site_dir / PARTIAL, "w")) if whole else None
        zips = [stack.enter_context(zipfile.ZipFile(site_dir / partial(p.name), "w")) for p in parts]
        styles: list[list[str]] = [[] for _ in parts]
        memos: list[dict[tuple[str, str], str]] = [{} for _ in parts]
        for rel in names:
            if rel in read or not _wanted(rel):
                continue
            signature, data = _read_signed(site_dir / rel)
            read[rel] = (signature, _digest(data))
            if everything is not None:
                _put(everything, f"{FOLDER}/{rel}", data, stamp)
            for part, z, sheets, memo in zip(parts, zips, styles, memos, strict=True):
                if rel in OWN or not part.holds(rel):
                    continue
                if rel.endswith(".html"):
                    page = relink(data.decode("utf-8"), rel, part, memo)
                    _put(z, f"{part.folder}/{rel}", page.encode("utf-8"), stamp)
                else:
                    _put(z, f"{part.folder}/{rel}", data, stamp)
                if rel.endswith(".css"):
                    sheets.append(rel)
        for part, z, sheets in zip(parts, zips, styles, strict=True):
            for rel, page in sorted(part.own.items()):
                _put(
                    z,
                    f"{part.folder}/{rel}",
                    page.replace(STYLES, _style_links(sheets)).encode("utf-8"),
                    stamp,
                )
    if whole:
        os.replace(site_dir / PARTIAL, site_dir / NAME)
    for part in parts:
        os.replace(site_dir / partial(part.name), site_dir / part.name)
    return read


def _put(z: zipfile.ZipFile, name: str, data: bytes, stamp: tuple[int, int, int, int, int, int]) -> None:
    info = zipfile.ZipInfo(name, stamp)
    packed = name.endswith(PACKED)
    info.compress_type = zipfile.ZIP_STORED if packed else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    z.writestr(info, data, compresslevel=None if packed else 6)


def _style_links(sheets: list[str]) -> str:
    """The part's pages at its root take the site's stylesheets, Terreau's last (it overrides
    the theme's), as the site's pages do."""
    ordered = sorted(sheets, key=lambda rel: (rel.startswith("assets/terreau/"), rel))
    return "\n".join(f'<link rel="stylesheet" href="{rel}">' for rel in ordered)


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _read_signed(path: Path) -> tuple[tuple[int, int, int], bytes]:
    """A file's stat signature and bytes, refusing a link: the archive never takes a file
    from outside the site."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        return (st.st_size, st.st_mtime_ns, st.st_ino), f.read()


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def write(site_dir: Path, parts: Iterable[Part] = (), whole: bool = True) -> Path:
    """Zip every file of the site, in sorted order, at once."""
    zip_files(site_dir, iter(site_files(site_dir)), parts, whole)
    return site_dir / NAME


def _unlink_all(site_dir: Path, parts: Iterable[Part], whole: bool = True) -> None:
    for name in names(parts) - (set() if whole else {NAME, PARTIAL}):
        (site_dir / name).unlink(missing_ok=True)


def job(whole: bool, parts: list[Part]) -> str:
    """What a process writes, its first message, before any name (it sorts each file as it
    comes): the whole archive or not, and which parts."""
    return json.dumps({"whole": whole, "parts": [asdict(p) for p in parts]}, ensure_ascii=False)


class Archive:
    """Drives the archiving processes: ``add`` names a complete file, ``close`` names the files
    not named yet (sorted) and waits. Each process checks at the end that no file changed
    after it was read (else it zips the site again, from the disk). The whole archive and the
    parts are written by two processes: after the pages, both cores compress."""

    def __init__(self, site_dir: Path, parts: Iterable[Part] = ()) -> None:
        self.site = site_dir
        self.parts = list(parts)
        self.named: set[str] = set()
        site_dir.mkdir(parents=True, exist_ok=True)
        jobs = [job(True, [])] + ([job(False, self.parts)] if self.parts else [])
        self.processes = []
        for text in jobs:
            process = subprocess.Popen(
                [sys.executable, "-m", "terreau.site.archive", str(site_dir)],
                stdin=subprocess.PIPE,
                bufsize=0,
            )
            self.processes.append(process)
            self._send(process, text)

    @staticmethod
    def _send(process: subprocess.Popen[bytes], text: str) -> None:
        if process.stdin is not None:
            try:
                process.stdin.write(text.encode("utf-8") + b"\0")
            except BrokenPipeError:  # the process stopped: close() says so
                process.stdin = None

    def add(self, rel: str) -> None:
        """Name a complete file (the empty name ends the list)."""
        if rel not in self.named:
            self.named.add(rel)
            for process in self.processes:
                self._send(process, rel)

    def add_all(self, names: list[str]) -> None:
        for rel in names:
            self.add(rel)

    def add_present(self) -> None:
        for rel in site_files(self.site):
            self.add(rel)

    def close(self) -> Path:
        """Waits for the archives; returns the whole one."""
        self.add_present()
        self.add("")  # the end: names stopping without it mean the build was interrupted
        for process in self.processes:
            if process.stdin is not None:
                with contextlib.suppress(BrokenPipeError):
                    process.stdin.close()
        if [process.wait() for process in self.processes] != [0] * len(self.processes):
            raise RuntimeError("Terreau : l'archive hors ligne n'a pas pu être écrite (voir ci-dessus).")
        return self.site / NAME

    def abandon(self) -> None:
        for process in self.processes:
            process.kill()
            process.wait()
        _unlink_all(self.site, self.parts)


class Skipped:
    """No archive (a preview, or a build not meant for publication): the same calls, nothing made."""

    def add(self, rel: str) -> None:
        pass

    def add_all(self, names: list[str]) -> None:
        pass

    def add_present(self) -> None:
        pass

    def close(self) -> None:
        pass

    def abandon(self) -> None:
        pass


def _names(stream: BinaryIO, readers: list[threading.Thread]) -> Iterator[str]:
    """NUL-separated names from ``stream``, read by a thread (put in ``readers``) so the
    writer never waits on us."""
    chunks: queue.Queue[bytes] = queue.Queue()

    def pump() -> None:
        read = getattr(stream, "read1", stream.read)  # read1: whatever has arrived
        while chunk := read(65536):
            chunks.put(chunk)
        chunks.put(b"")

    reader = threading.Thread(target=pump, daemon=True)
    readers.append(reader)
    reader.start()
    pending = b""
    while chunk := chunks.get():
        pending += chunk
        *complete, pending = pending.split(b"\0")
        for name in complete:
            if not name:
                return
            yield name.decode("utf-8")
    raise Interrupted


class Interrupted(Exception):
    """The build stopped before naming its last file."""


def changed_since(site_dir: Path, read: dict[str, Seen]) -> list[str]:
    """Files rewritten after they were zipped, even to the same size: a file whose size, time
    and inode are unchanged was not written again (cheap: no second read of the site); any
    other is read again and compared by content."""
    changed = []
    for rel, (signature, digest) in read.items():
        path = site_dir / rel
        if _signature(path) != signature and _digest_of(path) != digest:
            changed.append(rel)
    return changed


def _digest_of(path: Path) -> bytes | None:
    try:
        return _digest(_read_signed(path)[1])
    except OSError:
        return None


def main(argv: list[str]) -> int:
    # This process ends when the build stops talking to it (see Interrupted).
    parallel.run_in_background()
    site_dir = Path(argv[0])
    readers: list[threading.Thread] = []
    parts: list[Part] = []
    whole = False  # until the build says otherwise: clean up nothing that another process writes
    try:
        names = _names(sys.stdin.buffer, readers)
        told = json.loads(next(names, job(True, [])))
        whole = told["whole"]
        parts = [Part(**{**p, "members": tuple(p["members"])}) for p in told["parts"]]
        read = zip_files(site_dir, names, parts, whole)
    except Interrupted:
        _unlink_all(site_dir, parts, whole)
        return 0
    changed = changed_since(site_dir, read)
    if changed:
        print(f"Archives hors ligne refaites : {changed[0]} a changé après sa lecture.", file=sys.stderr)
        write(site_dir, parts, whole)
    # The build closes our input right after the end mark: let the reader see it end. A
    # reader still blocked on stdin at the interpreter's shutdown holds stdin's lock, and
    # Python then aborts (« could not acquire lock for <stdin> », exit 134, seen in CI).
    for reader in readers:
        reader.join(timeout=60)
    if any(r.is_alive() for r in readers):
        sys.stderr.flush()
        os._exit(0)  # the archive is complete; only the reader is left, blocked on stdin
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
