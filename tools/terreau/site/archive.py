"""The offline version: the whole built site in one zip, to open from a folder or a USB stick.

Compressing a large site takes as long as rendering it, so the zip is written by a separate
process (``python -m terreau.archive SITE``, driven by ``Archive``) that is told each file's
name once the file is complete, and compresses it on another processor core while the pages
render. Same site, same bytes: fixed dates, and members in an order that depends on the
sources only.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from terreau.core import parallel

NAME = "terreau-hors-ligne.zip"
PARTIAL = f".{NAME}.tmp"  # the archive while it is written
FOLDER = "terreau"  # what the archive unpacks into
# PDFs, images and compressed files gain nothing from compression: stored, faster.
PACKED = (".pdf", ".png", ".jpg", ".gz", ".zip", ".woff2")


def _stamp() -> tuple[int, int, int, int, int, int]:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))  # 1980-01-01 at the least
    year, month, day, hour, minute, second = time.gmtime(max(epoch, 315532800))[:6]
    return year, month, day, hour, minute, second


def _wanted(rel: str) -> bool:
    # Source maps are for developers; the archive is for people in a village hall.
    # Dot files are temporary (atomic writes, this archive while it is written).
    return rel != NAME and not rel.endswith(".map") and not rel.rsplit("/", 1)[-1].startswith(".")


def site_files(site_dir: Path) -> list[str]:
    """The site's files that go into the archive, sorted, relative to the site."""
    found = (
        p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file() and not p.is_symlink()
    )
    return sorted(rel for rel in found if _wanted(rel))


Seen = tuple[tuple[int, int, int], bytes]  # (size, mtime, inode) and content digest, as read


def zip_files(site_dir: Path, names: Iterator[str]) -> dict[str, Seen]:
    """Zip the named files in the order given, into a temporary file put in place only when
    whole; returns how each file was when read (its stat signature and content digest)."""
    stamp = _stamp()
    read: dict[str, Seen] = {}
    partial = site_dir / PARTIAL
    with zipfile.ZipFile(partial, "w") as z:
        for rel in names:
            if rel in read or not _wanted(rel):
                continue
            signature, data = _read_signed(site_dir / rel)
            read[rel] = (signature, _digest(data))
            info = zipfile.ZipInfo(f"{FOLDER}/{rel}", stamp)
            packed = rel.endswith(PACKED)
            info.compress_type = zipfile.ZIP_STORED if packed else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data, compresslevel=None if packed else 6)
    os.replace(partial, site_dir / NAME)
    return read


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


def write(site_dir: Path) -> Path:
    """Zip every file of the site, in sorted order, at once."""
    zip_files(site_dir, iter(site_files(site_dir)))
    return site_dir / NAME


class Archive:
    """Drives the archiving process: ``add`` names a complete file, ``close`` names the files
    not named yet (sorted) and waits. The process checks at the end that no file changed
    after it was read (else it zips the whole site again, from the disk)."""

    def __init__(self, site_dir: Path) -> None:
        self.site = site_dir
        self.named: set[str] = set()
        site_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "terreau.site.archive", str(site_dir)], stdin=subprocess.PIPE, bufsize=0
        )

    def add(self, rel: str) -> None:
        """Name a complete file (the empty name ends the list)."""
        if rel not in self.named and self.process.stdin is not None:
            self.named.add(rel)
            try:
                self.process.stdin.write(rel.encode("utf-8") + b"\0")
            except BrokenPipeError:  # the process stopped: close() says so
                self.process.stdin = None

    def add_all(self, names: list[str]) -> None:
        for rel in names:
            self.add(rel)

    def add_present(self) -> None:
        for rel in site_files(self.site):
            self.add(rel)

    def close(self) -> Path:
        self.add_present()
        self.add("")  # the end: names stopping without it mean the build was interrupted
        if self.process.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()
        if self.process.wait() != 0:
            raise RuntimeError("Terreau : l'archive hors ligne n'a pas pu être écrite (voir ci-dessus).")
        return self.site / NAME

    def abandon(self) -> None:
        self.process.kill()
        self.process.wait()
        (self.site / PARTIAL).unlink(missing_ok=True)
        (self.site / NAME).unlink(missing_ok=True)


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
    try:
        read = zip_files(site_dir, _names(sys.stdin.buffer, readers))
    except Interrupted:
        (site_dir / PARTIAL).unlink(missing_ok=True)
        (site_dir / NAME).unlink(missing_ok=True)
        return 0
    changed = changed_since(site_dir, read)
    if changed:
        print(f"Archive hors ligne refaite : {changed[0]} a changé après sa lecture.", file=sys.stderr)
        write(site_dir)
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
