"""What docs/ may hold: cards and pages (.md) and checked images; nothing else is read or published.

A pull request is untrusted input that CI builds: a symbolic link to ``/proc/self/environ``
or an ``.html`` file with a script must never reach the site. So the tree is walked without
following links, every entry is examined with ``os.lstat`` before anything reads it, and only
an allow-list gets through:

* Markdown files named ``*.md`` (lower case): cards in a kind's folder, pages elsewhere;
* images (PNG, JPEG, GIF, WebP, SVG) in a folder named ``images``, their type read from
  their first bytes, their size capped, SVG checked element by element (no script, no
  event attribute, no external reference).

Everything else is a problem naming the file: symbolic links, hard links shared with a file
outside the tree, FIFOs, devices and sockets, other extensions, ``.MD``. Files are read with
``read_regular``, which refuses to follow a link or block on a FIFO even if the tree changed
since it was walked.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

from terreau.core.models import KIND_OF_FOLDER
from terreau.core.problems import Problem, problem

IMAGES_FOLDER = "images"
REDIRECTS = "redirections.yml"  # merged cards' old addresses (core/redirects.py)
RASTER_MAX = 1024 * 1024  # a photo for a card, not a poster: rural connections are slow
SVG_MAX = 256 * 1024
# The first bytes of each image type, by the extensions that announce it.
_MAGIC: dict[str, tuple[str, ...]] = {
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
    "gif": (".gif",),
    "webp": (".webp",),
    "svg": (".svg",),
}
_IMAGE_EXTENSIONS = {ext: kind for kind, exts in _MAGIC.items() for ext in exts}
# What MkDocs reads as Markdown; only ".md" is accepted, the others get a precise message.
_MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
Refuse = Callable[..., None]  # refuse(rel, CODE, **params): records a problem for a file


# A file's size, modification and change times (ns) and inode: changed if any differs.
Signature = tuple[int, int, int, int]


@dataclass(frozen=True)
class Entry:
    """A file of docs/ that may be read and published."""

    path: Path  # absolute
    rel: str  # POSIX path under docs/
    role: str  # "fiche", "page" or "image"
    signature: Signature | None = field(default=None, compare=False)  # as the scan saw it


@dataclass
class Tree:
    """The allowed files of a docs tree, and a problem for every other entry."""

    root: Path
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def of_role(self, role: str) -> list[Entry]:
        return [e for e in self.entries if e.role == role]

    @property
    def allowed(self) -> set[str]:
        return {e.rel for e in self.entries}


def scan(docs_dir: Path, shown: str = "docs/") -> Tree:
    """Walk ``docs_dir`` without following links; ``shown`` prefixes paths in messages."""
    root = docs_dir.resolve()
    tree = Tree(root)
    inodes: dict[tuple[int, int], list[tuple[str, int]]] = {}

    def refuse(rel: str, code: str, **params: object) -> None:
        tree.problems.append(problem(f"{shown}{rel}", 1, code, "", **params))

    def walk(folder: Path, rel_folder: str) -> None:
        try:
            names = sorted(os.listdir(folder))
        except OSError as err:
            refuse(rel_folder or ".", "FICHIER_ILLISIBLE", detail=err.strerror or "erreur")
            return
        for name in names:
            path = folder / name
            rel = f"{rel_folder}{name}"
            odd = _odd_name(name)
            if odd:  # never printed or published as is: it could rewrite a terminal or a log
                refuse(shown_name(rel), "FICHIER_ILLISIBLE", detail=odd)
                continue
            try:
                st = os.lstat(path)
            except OSError as err:
                refuse(rel, "FICHIER_ILLISIBLE", detail=err.strerror or "erreur")
                continue
            if stat.S_ISLNK(st.st_mode):
                refuse(rel, "FICHIER_LIEN", nature="un lien symbolique")
            elif stat.S_ISDIR(st.st_mode):
                walk(path, rel + "/")
            elif not stat.S_ISREG(st.st_mode):
                refuse(rel, "FICHIER_SPECIAL", nature=_nature(st.st_mode))
            else:
                role = _classify(rel, path, st.st_size, refuse)
                if role is not None:
                    signature = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                    tree.entries.append(Entry(path, rel, role, signature))
                    if st.st_nlink > 1:
                        inodes.setdefault((st.st_dev, st.st_ino), []).append((rel, st.st_nlink))

    walk(root, "")
    # A hard link is a second name for the same file: refused unless every name is in docs/.
    counts = Counter({key: len(names) for key, names in inodes.items()})
    linked_out = {rel for key, names in inodes.items() for rel, nlink in names if nlink > counts[key]}
    for rel in sorted(linked_out):
        refuse(rel, "FICHIER_LIEN", nature="un lien physique vers un fichier hors du dossier")
    tree.entries = [e for e in tree.entries if e.rel not in linked_out]
    tree.problems.sort()
    return tree


def _odd_name(name: str) -> str | None:
    """Why a file name cannot be shown or published as is, or None."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "son nom n'est pas écrit en UTF-8"
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        return "son nom contient un caractère de contrôle ou invisible"
    return None


def shown_name(rel: str) -> str:
    """A path as it can be printed: undecodable bytes and control characters escaped."""
    raw = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(ch if unicodedata.category(ch) not in ("Cc", "Cf") else f"\\u{ord(ch):04x}" for ch in raw)


def _nature(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "un tube nommé (FIFO)"
    if stat.S_ISSOCK(mode):
        return "une prise réseau (socket)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "un périphérique"
    return "un fichier spécial"


def _classify(rel: str, path: Path, size: int, refuse: Refuse) -> str | None:
    """The role of a regular file, or None after saying why it is refused."""
    parts = PurePosixPath(rel).parts
    name = parts[-1]
    lower = name.lower()
    if name.startswith("."):
        refuse(rel, "FICHIER_INTERDIT", nom=name, conseil=_ONLY)
        return None
    if name.endswith(".md"):
        if parts[0] in KIND_OF_FOLDER and len(parts) > 2:  # a nested card would escape its checks
            refuse(rel, "FICHIER_INTERDIT", nom=name, conseil=_NESTED)
            return None
        return "fiche" if len(parts) == 2 and parts[0] in KIND_OF_FOLDER and name != "index.md" else "page"
    if rel == REDIRECTS:  # read by the checks (core/redirects.py), never published as is
        return "donnees"
    if lower.endswith(_MARKDOWN_EXTENSIONS):
        refuse(rel, "EXTENSION", nom=name, propose=name[: name.rfind(".")] + ".md")
        return None
    extension = lower[lower.rfind(".") :] if "." in lower else ""
    if extension in _IMAGE_EXTENSIONS:
        if IMAGES_FOLDER in parts[:-1]:
            return "image" if _image_ok(rel, path, size, _IMAGE_EXTENSIONS[extension], refuse) else None
        refuse(rel, "FICHIER_INTERDIT", nom=name, conseil=_IMAGES)
        return None
    refuse(rel, "FICHIER_INTERDIT", nom=name, conseil=_ONLY)
    return None


_ONLY = (
    "Retirez-le : le site ne publie que les fiches et les pages en Markdown (« .md ») et les "
    "images (PNG, JPEG, GIF, WebP, SVG) rangées dans un dossier « images »."
)
_NESTED = (
    "Placez la fiche directement dans le dossier de son type (par exemple docs/methodes/), "
    "pas dans un sous-dossier."
)
_IMAGES = "Déplacez l'image dans un dossier « images », par exemple docs/images/."


class TooLarge(Exception):
    """The file holds more than the limit given to read_regular."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def read_regular(path: Path, root: Path, limit: int) -> bytes:
    """The bytes of a regular file inside ``root``; TooLarge beyond ``limit`` bytes.

    Raises OSError if the path leaves ``root``, is a link (at the last component, O_NOFOLLOW;
    above it, the resolved path must still be under ``root``), or is not a regular file.
    O_NONBLOCK: opening a FIFO must not wait for a writer.
    """
    resolved = Path(_real_dir(str(path.parent))) / path.name
    if not resolved.is_relative_to(_real_dir(str(root))):
        raise OSError(1, "chemin hors du dossier des fiches")
    fd = os.open(resolved, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(1, "pas un fichier ordinaire")
        if st.st_size > limit:
            raise TooLarge(st.st_size)
        chunks = []
        left = limit + 1
        while left > 0:  # the file may grow while it is read: never more than the limit
            chunk = os.read(fd, min(left, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise TooLarge(len(data))
        return data
    finally:
        os.close(fd)


@lru_cache(maxsize=1024)
def _real_dir(folder: str) -> str:
    """A folder's real path, once per folder (resolving is a system call per component).
    Safe to remember: every build scans the tree first and refuses a folder that became a
    link, before any file is read."""
    return os.path.realpath(folder)


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith((b"<?xml", b"<svg", b"<!--")):
        return "svg"
    return None


_TYPE_NAMES = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WebP", "svg": "SVG"}


def _image_ok(rel: str, path: Path, size: int, declared: str, refuse: Refuse) -> bool:
    limit = SVG_MAX if declared == "svg" else RASTER_MAX
    if size > limit:
        refuse(rel, "IMAGE_TROP_LOURDE", taille=size // 1024, limite=limit // 1024)
        return False
    try:
        data = read_regular(path, path.parent, limit)
    except TooLarge as err:
        refuse(rel, "IMAGE_TROP_LOURDE", taille=err.size // 1024, limite=limit // 1024)
        return False
    except OSError as err:
        refuse(rel, "FICHIER_ILLISIBLE", detail=err.strerror or "erreur")
        return False
    found = _sniff(data[:64])
    if found != declared:
        refuse(
            rel,
            "IMAGE_FORMAT",
            annonce=_TYPE_NAMES[declared],
            trouve=f"une image {_TYPE_NAMES[found]}" if found else "autre chose qu'une image",
        )
        return False
    if declared == "svg":
        reason = svg_problem(data)
        if reason is not None:
            refuse(rel, "IMAGE_SVG", detail=reason)
            return False
    return True


# --- SVG -----------------------------------------------------------------------------------

_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# Drawing elements only: no script, no foreignObject (HTML inside SVG), no animation (it can
# rewrite attributes such as href), no style element (it can import from elsewhere).
_SVG_ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "metadata", "symbol", "use", "path", "rect", "circle",
    "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath", "linearGradient",
    "radialGradient", "stop", "clipPath", "mask", "pattern", "marker", "filter", "image",
    "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix", "feFlood", "feComposite",
    "feMerge", "feMergeNode", "feDropShadow",
}  # fmt: skip
# Namespaces of editors' bookkeeping (Inkscape, Sodipodi, RDF metadata): inert, tolerated.
_EDITOR_NS = (
    "{http://www.inkscape.org/namespaces/inkscape}",
    "{http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd}",
    "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}",
    "{http://creativecommons.org/ns#}",
    "{http://purl.org/dc/elements/1.1/}",
)
_URL_IN_STYLE = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import|expression\(|javascript:", re.IGNORECASE)


def _local_reference(element: str, value: str) -> bool:
    """An href that stays inside the file: a fragment, or a raster image embedded as data."""
    value = value.strip()
    return value.startswith("#") or (element == "image" and bool(_EMBEDDED_RASTER.match(value)))


_EMBEDDED_RASTER = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z")


def svg_problem(data: bytes) -> str | None:
    """Why an SVG file is refused (in French), or None when it only draws."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "le fichier n'est pas en UTF-8"
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return "déclaration DOCTYPE ou ENTITY"
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        return f"XML mal formé (ligne {err.position[0]}, colonne {err.position[1] + 1})"
    if root.tag != f"{_SVG_NS}svg":
        return "l'élément racine n'est pas <svg>"
    stack = [root]
    while stack:
        element = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.startswith(_EDITOR_NS):
            continue
        local = tag.removeprefix(_SVG_NS)
        if local == tag or local not in _SVG_ELEMENTS:
            return f"élément <{tag.rsplit('}', 1)[-1]}> non accepté"
        for name, value in element.attrib.items():
            local_name = name.rsplit("}", 1)[-1]
            if name.startswith(_EDITOR_NS):
                continue
            if local_name.lower().startswith("on"):
                return f"attribut d'événement « {local_name} »"
            if name in ("href", _XLINK_HREF) and not _local_reference(local, value):
                return f"référence externe « {value.strip()[:60]} »"
            if _URL_IN_STYLE.search(value):
                return f"adresse externe dans l'attribut « {local_name} »"
        if local == "metadata":
            continue  # RDF written by editors: never drawn
        stack.extend(reversed(list(element)))
    return None
