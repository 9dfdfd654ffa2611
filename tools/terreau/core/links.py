"""Links between the pages of a docs tree, checked as `mkdocs build --strict` checks them.

MkDocs checks the <a href> and <img src> of each page's rendered Markdown (raw HTML is left
alone): a relative link must lead to a file of the site, its anchor to an id of the target
page as its Markdown renders (ids a plugin adds afterwards, such as those of the card
templates, do not count), and a link that starts with « / » is refused. This module gives
the same verdicts without MkDocs, for `terreau valider`, the plugin and the tests alike.

It stays fast on thousands of cards: a page is first read with regular expressions; it is
rendered with Markdown (the site's extensions, as MkDocs sets them up) only when that
reading finds a link that would fail, or something it does not fully understand. The
rendering then decides, as in the build. A page that an anchored link points to is
rendered once, for its ids.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from terreau.core import loader, pages, tree
from terreau.core.loader import decode, kind_of, split
from terreau.core.problems import Problem, problem

# The site's Markdown extensions, written as in mkdocs.yml (a test checks they are equal).
MARKDOWN_EXTENSIONS: list[str | dict[str, dict[str, Any]]] = [
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "footnotes",
    "tables",
    {"toc": {"permalink": True, "permalink_title": "Lien vers cette section"}},
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tasklist",
]
# MkDocs loads these before the configured ones (its `markdown_extensions` builtins).
_MKDOCS_BUILTINS = ["toc", "tables", "fenced_code"]
# The files MkDocs renders as pages (mkdocs.utils.markdown_extensions).
PAGE_SUFFIXES = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")
# Markdown's stand-in for « & » in obfuscated e-mail links: MkDocs leaves such links alone.
_AMP_SUBSTITUTE = "\u0002amp\u0003"
# The card a hint gives as an example of a link.
EXAMPLE = "methodes/enquete-collective.md"


def extensions() -> tuple[list[str], dict[str, dict[str, Any]]]:
    """Extension names in MkDocs' order, and their settings, for markdown.Markdown."""
    names, settings = list(_MKDOCS_BUILTINS), {}
    for item in MARKDOWN_EXTENSIONS:
        name, config = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        if name not in names:
            names.append(name)
        if config:
            settings[name] = config
    return names, settings


def check(
    docs_dir: Path,
    shown: str,
    bodies: Mapping[str, tuple[str, int]],
    render_all: bool = False,
    allowed: set[str] | None = None,
) -> list[Problem]:
    """Every broken link of every page under docs_dir.

    ``shown`` prefixes paths in problems (« docs/ »); ``bodies`` gives the Markdown and first
    line of the cards already read (MkDocs renders a card's body only); other pages are read.
    ``render_all`` renders every page instead of reading it first: slower, the same result
    (the tests compare both). ``allowed``: the files tree.scan let through; only they are
    listed and read (without it, docs_dir is walked as MkDocs walks it, links followed).
    """
    site = _Site(docs_dir.resolve(), shown, bodies, render_all, allowed)
    found: list[Problem] = []
    for uri in sorted(site.checked):
        found.extend(site.check_page(uri))
    return found


def check_page(
    docs_dir: Path, shown: str, rel: str, body: tuple[str, int], allowed: set[str]
) -> list[Problem]:
    """The broken links of one card not yet written to docs_dir (a card received by e-mail),
    as if it were the file ``rel`` beside the ``allowed`` files."""
    site = _Site(docs_dir.resolve(), shown, {rel: body}, False, allowed | {rel})
    return site.check_page(rel)


# --- What MkDocs would read ------------------------------------------------------------------

_YAML_META = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_MMD_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_MMD_MORE = re.compile(r"^([ ]{4}|\t)(\s*)(?P<value>.*)")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def strip_meta(doc: str) -> tuple[str, int]:
    """The Markdown MkDocs renders (mkdocs.utils.meta.get_data) and the lines it dropped."""
    if m := _YAML_META.match(doc):
        try:
            data = yaml.load(m.group(1), _YAML_LOADER)  # noqa: S506 - a safe loader
        except Exception:
            return doc, 0
        if not isinstance(data, dict):
            return doc, 0
        rest = doc[m.end() :]
        kept = rest.lstrip("\n")
        return kept, doc.count("\n", 0, m.end()) + len(rest) - len(kept)
    # MultiMarkdown meta-data: « key: value » lines up to a blank line (read line by line,
    # not split: the body of a card is long and almost always starts with a blank line).
    start, dropped, key = 0, 0, False
    while start < len(doc):
        end = doc.find("\n", start)
        end = len(doc) if end < 0 else end
        line = doc[start:end]
        blank = line.strip() == ""
        if not blank:
            if _MMD_META.match(line):
                key = True
            elif not (key and _MMD_MORE.match(line)):
                break
        start, dropped = end + 1, dropped + 1
        if blank:
            break
    rest = doc[start:]
    kept = rest.lstrip("\n")
    return kept, dropped + len(rest) - len(kept)


def _excluded(uri: str) -> bool:
    """MkDocs' default exclusions (`.*`, `/templates/`): such files exist but are not built."""
    parts = uri.split("/")
    return any(p.startswith(".") for p in parts) or (len(parts) > 1 and parts[0] == "templates")


def _dest(uri: str) -> str:
    """The file MkDocs writes for a page (use_directory_urls: false): a/b.md → a/b.html."""
    head, _, name = uri.rpartition("/")
    stem = name.rpartition(".")[0]
    page = ("index" if stem == "README" else stem) + ".html"
    return f"{head}/{page}" if head else page


def _walk(docs_dir: Path) -> Iterator[str]:
    """The files of docs_dir as MkDocs collects them (mkdocs.structure.files.get_files)."""
    found = []
    for root, dirs, names in os.walk(docs_dir, followlinks=True):
        dirs.sort()
        rel = Path(root).relative_to(docs_dir).as_posix()
        prefix = "" if rel == "." else rel + "/"
        found += [prefix + n for n in names]
    yield from _as_mkdocs_keeps(found)


_FIRST = ("index", "README")


def _as_mkdocs_keeps(uris: Iterable[str]) -> Iterator[str]:
    """Of the files given, those MkDocs keeps: of two files made into the same page, the
    later one (index and README first in each folder)."""
    folders: dict[str, list[str]] = {}
    for uri in uris:
        folders.setdefault(uri.rpartition("/")[0], []).append(uri)
    for _folder, in_folder in sorted(folders.items()):
        in_folder.sort(
            key=lambda u: (posixpath.splitext(u.rpartition("/")[2])[0] not in ("index", "README"), u)
        )
        first: dict[str, str] = {}
        dropped: set[str] = set()
        for uri in in_folder:
            # Only a page and another page, or a page and an .html file, make the same file.
            if not uri.endswith((*PAGE_SUFFIXES, ".html")):
                continue
            earlier = first.setdefault(_dest(uri) if uri.endswith(PAGE_SUFFIXES) else uri, uri)
            if earlier != uri:
                dropped.add(uri if _excluded(uri) else earlier)
        yield from (u for u in in_folder if u not in dropped)


# --- Reading links without rendering ---------------------------------------------------------

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
# Python-Markdown's BACKTICK_RE: a code span never spans lines.
_CODE_SPAN = re.compile(r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)(`+)(.+?)(?<!`)\2(?!`))")
_INLINE = re.compile(r"\]\(")
_ANGLE = re.compile(r"""\(\s*<([^<>]*)>\s*(?:'[^']*'\s*|"[^"]*"\s*)?\)""")
_PLAIN = re.compile(r"""\(\s*([^\s()<>"'\\]*)(?:\s+(?:"[^"()\\]*"|'[^'()\\]*'))?\s*\)""")
# Definitions anywhere on a line: in a list item (« - [r]: … ») or a quote, they count too.
_DEFINITION = re.compile(r"\[([^\[\]\n]*)\]:[ \t]*(?:\n[ \t>]*)?(\S+)")
_FOOTNOTE_DEF = re.compile(r"\[\^([^\]\n]*)\]:")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\n]*)\](?!:)")
_ATTR_URL = re.compile(r"\{[^}\n]*\b(?:href|src)\s*=")


def _without_code(text: str) -> str:
    """The text with closed fenced blocks and code spans blanked, lines kept in place: to
    find the line of a link, not to decide whether there is one."""
    if "```" not in text and "~~~" not in text:
        return _CODE_SPAN.sub(_blank_span, text) if "`" in text else text
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m:
            mark = m.group(1)
            close = re.compile(rf"^[ \t]*{re.escape(mark[0])}{{{len(mark)},}}[ \t]*$")
            end = next((j for j in range(i + 1, len(lines)) if close.match(lines[j])), None)
            if end is not None:  # an unclosed fence stays text: better read too much than too little
                lines[i : end + 1] = [""] * (end + 1 - i)
                i = end + 1
                continue
        if "`" in lines[i]:
            lines[i] = _CODE_SPAN.sub(_blank_span, lines[i])
        i += 1
    return "\n".join(lines)


def _blank_span(code: re.Match[str]) -> str:
    return " " * len(code.group(0)) if code.group(2) else code.group(0)


@dataclass
class _Reading:
    """The links a page's text seems to hold: (url, line in the text), and whether some
    construct needs the real rendering to know (a link written in an unusual way, a note
    never called, an href set through attr_list). Every link of the rendering is among
    them, unless unsure: the tests check it on random Markdown."""

    links: list[tuple[str, int]] = field(default_factory=list)
    unsure: bool = False


def _may_link(text: str) -> bool:
    """Whether a text has any mark of a link (inline, reference, note, attr_list)."""
    if "]" not in text and "{" not in text:  # one character: a search ten times quicker
        return False
    return "](" in text or "]:" in text or ("{" in text and "=" in text)


def read_links(text: str) -> _Reading:
    """The links a text seems to hold. Code is read too: what looks like a fence or a code
    span may not be one (« ```x y » is not a fence); a link there that would fail has the
    page rendered, which settles it."""
    reading = _Reading()
    if not _may_link(text):
        return reading
    counted = [0, 0]  # lines before this offset: links are met in order, count on from there

    def line(at: int) -> int:
        if at < counted[0]:
            counted[:] = [0, 0]
        counted[1] += text.count("\n", counted[0], at)
        counted[0] = at
        return counted[1]

    for m in _INLINE.finditer(text):
        at = m.end() - 1
        found = _ANGLE.match(text, at) or _PLAIN.match(text, at)
        if found is None:
            reading.unsure = True
        else:
            reading.links.append((found.group(1).strip(), line(at)))
    for m in _DEFINITION.finditer(text) if "]:" in text else ():
        if not m.group(1).startswith("^"):
            reading.links.append((m.group(2).lstrip("<").rstrip(">"), line(m.start(2))))
    if "[^" in text:
        defined = _FOOTNOTE_DEF.findall(text)
        called = [m.group(1) for m in _FOOTNOTE_REF.finditer(text)]
        if len(set(defined)) != len(defined) or not set(defined) <= set(called):
            reading.unsure = True  # a note never called links back to an id that does not exist
    if "{" in text and _ATTR_URL.search(text):
        reading.unsure = True
    reading.links.sort(key=lambda link: link[1])
    return reading


# A heading that starts a block, in plain words: its id is the slug of its words. The rendering
# can only add ids (duplicates, attr_list, notes, raw HTML); but a table, a fenced block or a
# raw HTML block could swallow such a line, so a page with any of these is rendered instead.
_PLAIN_HEADING = re.compile(r"\n\n#{1,6}[ \t]*([^#*_`\[\]!<>&\\{}|\n]*?)[ \t]*(?=\n|\Z)")
_HTML_BLOCK = re.compile(r"^[ \t]*<[A-Za-z!?/]", re.MULTILINE)


def plain_headings(text: str) -> Iterator[str] | None:
    """The ids of the page's plain headings, found without rendering it (each one surely is
    an id of the page); None when only the rendering can tell (a table, a fence or raw HTML)."""
    if "```" in text or "~~~" in text or "|" in text or ("<" in text and _HTML_BLOCK.search(text)):
        return None
    from markdown.extensions.toc import slugify

    return (slugify(m.group(1), "-") for m in _PLAIN_HEADING.finditer("\n\n" + text))


# --- Rendering as MkDocs does -----------------------------------------------------------------


@cache
def _renderer() -> Any:
    """A function Markdown → (urls of <a> and <img> in document order, ids), built once."""
    import markdown
    from markdown.htmlparser import htmlparser  # type: ignore[attr-defined]

    class RawIds(markdown.preprocessors.Preprocessor):
        """Ids in raw HTML (mkdocs' _RawHTMLPreprocessor, right before html_block)."""

        found: set[str]

        def run(self, lines: list[str]) -> list[str]:
            found = self.found

            class Handler(htmlparser.HTMLParser):  # type: ignore[misc]
                def handle_starttag(self, tag: str, attrs: list[tuple[str, str]]) -> None:
                    for k, v in attrs:
                        if k == "id" or (k == "name" and tag == "a"):
                            found.add(v)
                    return super().handle_starttag(tag, attrs)

            parser = Handler()
            parser.feed("\n".join(lines))
            parser.close()
            return lines

    class TreeIds(markdown.treeprocessors.Treeprocessor):
        """Ids of the element tree (mkdocs' _ExtractAnchorsTreeprocessor, with toc)."""

        found: set[str]

        def run(self, root: Any) -> None:
            for element in root.iter():
                if anchor := element.get("id"):
                    self.found.add(anchor)
                if element.tag == "a" and (anchor := element.get("name")):
                    self.found.add(anchor)

    class Urls(markdown.treeprocessors.Treeprocessor):
        """The links MkDocs checks (mkdocs' _RelativePathTreeprocessor, last)."""

        found: list[str]

        def run(self, root: Any) -> None:
            for element in root.iter():
                key = "href" if element.tag == "a" else "src" if element.tag == "img" else None
                if key is not None:
                    self.found.append(element.get(key))

    names, settings = extensions()

    def render(text: str) -> tuple[list[str], set[str]]:
        md = markdown.Markdown(extensions=names, extension_configs=settings)
        raw, tree, urls = RawIds(md), TreeIds(md), Urls(md)
        raw.found, tree.found, urls.found = set(), set(), []
        md.preprocessors.register(raw, "terreau_raw_ids", 21)
        md.treeprocessors.register(tree, "terreau_ids", 5)
        md.treeprocessors.register(urls, "terreau_urls", 0)
        md.convert(text)
        return urls.found, tree.found | raw.found

    return render


# --- The site ---------------------------------------------------------------------------------


@dataclass
class _Verdict:
    code: str
    target: str = ""  # LIEN_CASSE and LIEN_ABSOLU: the file meant; LIEN_ANCRE: the page
    anchor: str = ""


class _Site:
    def __init__(
        self,
        docs_dir: Path,
        shown: str,
        bodies: Mapping[str, tuple[str, int]],
        render_all: bool,
        allowed: set[str] | None,
    ) -> None:
        self.docs_dir, self.shown, self.bodies, self.render_all = docs_dir, shown, bodies, render_all
        self.allowed = allowed
        self.files = set(_walk(docs_dir) if allowed is None else _as_mkdocs_keeps(sorted(allowed)))
        self.generated = {
            uri: f"# {title}\n" for uri, title in pages.GENERATED.items() if uri not in self.files
        }
        self.files |= set(self.generated) | set(pages.data_files())
        # The pages MkDocs builds from docs/: their links are checked.
        built = [u for u in self.files if u.endswith(PAGE_SUFFIXES) and not _excluded(u)]
        self.checked = [u for u in built if u not in self.generated]
        self._rendered: dict[str, tuple[list[str], set[str]] | None] = {}
        # Per page: the plain headings' ids found so far, and the rest still to slugify.
        self._headings: dict[str, tuple[set[str], Iterator[str]] | None] = {}

    def source(self, uri: str) -> tuple[str, int] | None:
        """The Markdown MkDocs renders for a page, and the file line of its first line."""
        if uri in self.generated:
            return self.generated[uri], 1
        if uri in self.bodies:
            text, first = self.bodies[uri]
        else:
            try:
                if self.allowed is not None:  # never follow a link, never block on a FIFO
                    data = tree.read_regular(self.docs_dir / uri, self.docs_dir, loader.MAX_BYTES)
                else:
                    data = (self.docs_dir / uri).read_bytes()
                text, first = decode(data), 1
            except (OSError, UnicodeError, tree.TooLarge):
                return None  # the build stops on it; the validator says so elsewhere, or not at all
            if kind_of(uri) is not None:  # a card that failed validation: its body, if it has one
                try:
                    parts = split(text)
                except ValueError:
                    return None
                if parts is None:
                    return None
                text, first = parts[2], parts[3]
        markdown, dropped = strip_meta(text)
        return markdown, first + dropped

    def rendered(self, uri: str) -> tuple[list[str], set[str]] | None:
        if uri not in self._rendered:
            source = self.source(uri)
            self._rendered[uri] = None if source is None else _renderer()(source[0])
        return self._rendered[uri]

    def ids(self, uri: str) -> set[str] | None:
        """The anchors of a page, None when MkDocs would not check them (not a built page)."""
        if not uri.endswith(PAGE_SUFFIXES) or _excluded(uri):
            return None
        rendered = self.rendered(uri)
        return None if rendered is None else rendered[1]

    def lacks(self, uri: str, anchor: str) -> bool:
        """Whether MkDocs would find no ``anchor`` in page ``uri`` (an id of its rendering)."""
        if not self.render_all:
            if uri not in self._headings:
                source = self.source(uri)
                rest = None if source is None else plain_headings(source[0])
                self._headings[uri] = None if rest is None else (set(), rest)
            quick = self._headings[uri]
            if quick is not None:
                found, rest = quick
                if anchor in found:
                    return False
                for heading in rest:
                    found.add(heading)
                    if heading == anchor:
                        return False
        ids = self.ids(uri)
        return ids is not None and anchor not in ids

    def verdict(self, src: str, url: str) -> _Verdict | None:
        """What MkDocs says of ``url`` in page ``src`` (mkdocs' _RelativePathTreeprocessor
        .path_to_url, and Page.validate_anchor_links); None when it accepts it."""
        scheme, netloc, path, _query, anchor = urlsplit(url)
        if scheme or netloc:
            return None
        if url.startswith(("/", "\\")):
            return _Verdict("LIEN_ABSOLU", posixpath.normpath(unquote(path).lstrip("/\\")))
        if _AMP_SUBSTITUTE in url:
            return None
        if not path:
            return _Verdict("LIEN_ANCRE", src, anchor) if anchor and self.lacks(src, anchor) else None
        target = posixpath.normpath(posixpath.join(posixpath.dirname(src), unquote(path)).lstrip("/"))
        if target not in self.files:
            return _Verdict("LIEN_CASSE", target)
        return _Verdict("LIEN_ANCRE", target, anchor) if anchor and self.lacks(target, anchor) else None

    def check_page(self, uri: str) -> list[Problem]:
        if uri in self.bodies and not self.render_all and not _may_link(self.bodies[uri][0]):
            return []  # most cards: no link at all, nothing more to read
        source = self.source(uri)
        if source is None:
            return []
        text, first = source
        reading = read_links(text)
        sure = not (reading.unsure or self.render_all)
        if sure and all(self.verdict(uri, url) is None for url, _ in reading.links):
            return []
        rendered = self.rendered(uri)
        assert rendered is not None
        # The line of each link: out of code first (a code sample may show the same link).
        lines: dict[str, list[int]] = {}
        for url, at in [*read_links(_without_code(text)).links, *reading.links]:
            lines.setdefault(url, []).append(at)
        found: dict[tuple[int, str, str], Problem] = {}
        for url in rendered[0]:
            verdict = self.verdict(uri, url)
            if verdict is None:
                continue
            at = _line_of(url, lines, text)
            key = (at, verdict.code, url)
            if key not in found:
                found[key] = self._problem(uri, first + at, url, verdict)
        return list(found.values())

    def _problem(self, src: str, line: int, url: str, verdict: _Verdict) -> Problem:
        shown = self.shown + src
        here = posixpath.dirname(src)
        if verdict.code == "LIEN_ABSOLU":
            return problem(shown, line, "LIEN_ABSOLU", cible=url, relatif=_relative(verdict.target, here))
        if verdict.code == "LIEN_ANCRE":
            ids = self.ids(verdict.target) or set()
            hint = _anchor_hint(verdict.anchor, ids, verdict.target == src)
            page = self.shown + verdict.target
            return problem(shown, line, "LIEN_ANCRE", ancre=verdict.anchor, page=page, suggestion=hint)
        close = self._close_file(src, verdict.target, url)
        up = "../" * len(here.split("/")) if here else ""  # from a card: ../methodes/…
        hint = (
            f"Vouliez-vous dire « {_relative(close, here)} » ?"
            if close
            else f"Écrivez le chemin du fichier depuis cette page ; pour une fiche, par exemple "
            f"[Titre]({up}{EXAMPLE})."
        )
        return problem(shown, line, "LIEN_CASSE", cible=url, suggestion=hint)

    def _close_file(self, src: str, target: str, url: str) -> str | None:
        """The file a broken link probably meant: MkDocs' own guesses first (the page itself
        for « . », a folder's index.md, x.md for x.html), then the file of closest name."""
        path = urlsplit(url).path
        guesses = [src] if posixpath.normpath(unquote(path)) == "." else []
        if not posixpath.splitext(target)[1]:
            guesses += [posixpath.join(target, "index.md"), posixpath.join(target, "README.md")]
        if not target.endswith(".") and not path.endswith((".md", "/")):
            guesses.append(target.removesuffix(".html") + ".md")
        for guess in guesses:
            if guess in self.files:
                return guess
        # By name first (« enquete-colective » → « enquete-collective »), then by whole path.
        suffix = posixpath.splitext(target)[1]
        named: dict[str, list[str]] = {}
        for uri in self.files:
            if uri.endswith(suffix):
                named.setdefault(posixpath.splitext(posixpath.basename(uri))[0], []).append(uri)
        stem = posixpath.splitext(posixpath.basename(target))[0]
        close = difflib.get_close_matches(stem, sorted(named), n=1, cutoff=0.6)
        if not close:
            return None
        return max(sorted(named[close[0]]), key=lambda u: difflib.SequenceMatcher(None, target, u).ratio())


def _relative(uri: str, here: str) -> str:
    return posixpath.relpath(uri, here or ".")


def _line_of(url: str, lines: dict[str, list[int]], text: str) -> int:
    """The line of a rendered link in the text: its reading's, in order; for a footnote's
    link back to its call, the note's; else where the url appears; else the first line."""
    seen = lines.get(url)
    if seen:
        return seen.pop(0) if len(seen) > 1 else seen[0]
    if url.startswith("#fnref"):
        note = re.search(rf"\[\^{re.escape(url.split(':', 1)[-1])}\]:", text)
        if note:
            return text.count("\n", 0, note.start())
    at = text.find(url)
    return text.count("\n", 0, at) if at >= 0 else 0


def _anchor_hint(anchor: str, ids: set[str], same_page: bool) -> str:
    if same_page and anchor.startswith("fnref:"):
        note = anchor.removeprefix("fnref:")
        return (
            f"Aucun appel « [^{note}] » dans le texte : ajoutez-le là où la note s'applique, "
            "ou retirez la note."
        )
    close = difflib.get_close_matches(anchor, sorted(ids), n=3, cutoff=0.6)
    if close:
        return "Vouliez-vous dire " + " ou ".join(f"« #{c} »" for c in close) + " ?"
    return (
        "L'ancre d'une section se forme sur son titre, en minuscules, sans accents ni "
        "ponctuation, les espaces changés en tirets : « ## Première étape » donne « #premiere-etape »."
    )
