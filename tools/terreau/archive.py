"""The offline version: the whole built site in one zip, to open from a folder or a USB stick."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

NAME = "terreau-hors-ligne.zip"
FOLDER = "terreau"  # what the archive unpacks into


def write(site_dir: Path) -> Path:
    """Zip every file of the site, in sorted order, with fixed dates: same site, same bytes."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))  # 1980-01-01 at the least
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    target = site_dir / NAME
    # Source maps are for developers; the archive is for people in a village hall.
    files = sorted(p for p in site_dir.rglob("*") if p.is_file() and p != target and p.suffix != ".map")
    with zipfile.ZipFile(target, "w") as z:
        for path in files:
            info = zipfile.ZipInfo(f"{FOLDER}/{path.relative_to(site_dir).as_posix()}", stamp)
            # PDFs, images and gzip files are compressed already: storing them is faster.
            packed = path.suffix in (".pdf", ".png", ".jpg", ".gz", ".zip", ".woff2")
            info.compress_type = zipfile.ZIP_STORED if packed else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, path.read_bytes(), compresslevel=None if packed else 6)
    return target
