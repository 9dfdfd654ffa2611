"""Cards sent by e-mail: the body the site's form prepares, and saved messages turned into cards.

The form opens the person's mail program with a body made by ``body``: a few words, then the
card file exactly as in docs/, between the lines BEGIN and END. A maintainer saves what
arrives (.eml, or an mbox of several messages) and ``import_file`` writes each card it finds,
validated as ``terreau valider`` would, or reports every problem and writes nothing for that
message.

Every message is untrusted input. Only the text between the markers is used: headers (the
sender, who is a private person) never reach a card, attachments are never opened, the file
name comes from the card's title and type only, and the card goes through the project's own
loader (size, YAML aliases and tags, control characters…).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.errors
import email.policy
import mailbox
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path
from typing import Protocol

from terreau.contribute import scaffold
from terreau.core import atomic, links
from terreau.core.catalogue import Catalogue, check_references
from terreau.core.frenchdate import french_date
from terreau.core.loader import AnyCard, load_bytes
from terreau.core.problems import Problem, problem

# The mail format. The site's form reads these two lines from generated data: change them
# here only, and old messages (with the old lines) can no longer be imported.
BEGIN = "----- début de la fiche Terreau -----"
END = "----- fin de la fiche Terreau -----"

MAX_MESSAGE_BYTES = 1024 * 1024
# What real mail never exceeds, and the standard library's header parser cannot be trusted
# beyond: a crafted Subject or Content-Type of a megabyte takes it minutes and gigabytes,
# thousands of parts take it a minute (measured with Python 3.11).
MAX_PARTS = 100
MAX_HEADER = 2048
_PARSED_HEADERS = frozenset(
    ["subject", "date", "content-type", "content-disposition", "content-transfer-encoding"]
)
_LISTED_ATTACHMENTS = 10
_SUBJECT_LENGTH = 80
# Controls, format characters (bidirectional, invisible), line separators, private use.
_UNSHOWN = frozenset(["Cc", "Cf", "Zl", "Zp", "Co", "Cs"])


def body(card_text: str, intro: str) -> str:
    """The e-mail body that carries a card: ``intro``, then the card between the markers."""
    card = card_text.replace("\r\n", "\n").replace("\r", "\n")
    if not card.endswith("\n"):
        card += "\n"
    intro = intro.strip()
    return (f"{intro}\n\n" if intro else "") + f"{BEGIN}\n{card}{END}\n"


@dataclass
class Outcome:
    """What became of one message: the cards written, or the problems that stopped it."""

    src: str  # « courriel.eml, message 2 »: the « file » of its problems
    subject: str = ""
    date: dt.date | None = None
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the maintainer should know (French)

    @property
    def label(self) -> str:
        """« courriel.eml, message 2 (« Objet », 3 mars 2026) »: enough to find the message."""
        about = [f"« {self.subject} »" if self.subject else "sans objet"]
        if self.date is not None:
            about.append(french_date(self.date))
        return f"{self.src} ({', '.join(about)})"

    @property
    def imported(self) -> bool:
        return bool(self.written) and not any(p.is_error for p in self.problems)


class _Refused(Exception):
    """A message that cannot be read, with the problem that says why."""

    def __init__(self, found: Problem) -> None:
        super().__init__(found.code)
        self.problem = found


# --- reading the saved file ------------------------------------------------------------------


def messages(path: Path, shown: str) -> Iterator[tuple[str, bytes, int]]:
    """Each message of a saved file: (« shown, message n », its bytes, its size). A message
    over MAX_MESSAGE_BYTES is never read whole: its bytes are its first MAX_MESSAGE_BYTES.

    A file that starts with a « From » line is an mbox (one message or more); any other file
    is one message (.eml)."""
    with path.open("rb") as f:
        head = f.read(5)
    if head != b"From ":
        with path.open("rb") as f:
            yield (f"{shown}, message 1", *_bounded(f))
        return
    # mailbox opens the file read-write when it may; it never writes unless asked to.
    box = mailbox.mbox(path, create=False)
    try:
        for n, key in enumerate(box.iterkeys(), start=1):
            with box.get_file(key) as f:
                yield (f"{shown}, message {n}", *_bounded(f))
    finally:
        box.close()


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _bounded(stream: _Readable) -> tuple[bytes, int]:
    data = stream.read(MAX_MESSAGE_BYTES + 1)
    size = len(data)
    while len(data) > MAX_MESSAGE_BYTES and (chunk := stream.read(1 << 20)):
        size += len(chunk)
    return data[:MAX_MESSAGE_BYTES], size


def _precheck(raw: bytes, src: str, headersonly: bool) -> None:
    """Refuse, before the full parser reads them, the messages that real mail never is: the
    legacy parser (compat32) leaves header values as they are, in linear time."""
    legacy = BytesParser(policy=email.policy.compat32)
    stack: list[Message] = [legacy.parsebytes(raw, headersonly=headersonly)]
    parts = 0
    while stack:
        part = stack.pop()
        parts += 1
        if parts > MAX_PARTS:
            detail = f"plus de {MAX_PARTS} parties"
            raise _Refused(problem(src, 1, "COURRIEL_ILLISIBLE", detail=detail))
        for name, value in part.raw_items():
            if name.lower() in _PARSED_HEADERS and len(str(value)) > MAX_HEADER:
                detail = f"en-tête « {_shown(name, 40)} » de plus de {MAX_HEADER} caractères"
                raise _Refused(problem(src, 1, "COURRIEL_ILLISIBLE", detail=detail))
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend(p for p in payload if isinstance(p, Message))


# --- one message → the text that carries the card --------------------------------------------


def _shown(text: str, limit: int = _SUBJECT_LENGTH) -> str:
    """A header value fit for a terminal: no control, bidirectional or invisible character
    (they could rewrite the report on screen), one line, cut to ``limit`` characters."""
    kept = "".join(" " if unicodedata.category(c) in _UNSHOWN else c for c in text)
    one_line = " ".join(kept.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def _identity(msg: EmailMessage) -> tuple[str, dt.date | None]:
    """Subject and date, to name the message in the report; never the sender."""
    try:
        subject = _shown(str(msg.get("Subject", "") or ""))
    except Exception:  # noqa: BLE001 - a header the parser trips on names nothing
        subject = ""
    try:
        date_header = msg.get("Date")
        when = getattr(date_header, "datetime", None)
        day = when.date() if isinstance(when, dt.datetime) else None
    except Exception:  # noqa: BLE001
        day = None
    return subject, day


def _decoded(part: Message, src: str) -> str:
    """The text of a part, in its declared charset; COURRIEL_ILLISIBLE rather than a guess."""
    data = part.get_payload(decode=True)
    # Decoding records what base64 could not read (a missing « = » at the end is harmless).
    damaged = (email.errors.InvalidBase64CharactersDefect, email.errors.InvalidBase64LengthDefect)
    if any(isinstance(d, damaged) for d in part.defects):
        raise _Refused(problem(src, 1, "COURRIEL_ILLISIBLE", detail="contenu en base64 abîmé"))
    if not isinstance(data, bytes):
        raise _Refused(problem(src, 1, "COURRIEL_ILLISIBLE", detail="contenu mal formé"))
    # No declared charset: UTF-8, which covers ASCII (the standard's default) and what most
    # programs send without saying so.
    charset = part.get_content_charset() or "utf-8"
    try:
        text = data.decode(charset)
    except LookupError:
        detail = f"jeu de caractères « {_shown(charset, 40)} » inconnu"
        raise _Refused(problem(src, 1, "COURRIEL_ILLISIBLE", detail=detail)) from None
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        detail = f"octets invalides en {_shown(charset, 40)} à la ligne {line} du texte"
        raise _Refused(problem(src, 1, "COURRIEL_ILLISIBLE", detail=detail)) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _unflow(text: str, delsp: bool) -> str:
    """Undo « format=flowed » (RFC 3676): a line that ends with a space goes on with the next
    one, and a space put before a line by the sender is removed. Thunderbird sends this; the
    card's long lines would otherwise arrive cut in two."""
    out: list[str] = []
    pending: tuple[int, str] | None = None
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        content = content[1:] if content.startswith(" ") else content
        if pending is not None and pending[0] == depth:
            content = pending[1] + content
        elif pending is not None:
            out.append(_quoted(*pending))
        pending = None
        if content.endswith(" ") and content != "-- ":
            pending = (depth, content[:-1] if delsp else content)
        else:
            out.append(_quoted(depth, content))
    if pending is not None:
        out.append(_quoted(*pending))
    return "\n".join(out)


def _quoted(depth: int, content: str) -> str:
    return ">" * depth + (" " if depth else "") + content


class _HtmlText(HTMLParser):
    """The text a person sees in an HTML message, line by line: tags dropped, the content of
    script, style and head elements dropped, entities decoded, block elements and <br> as
    line breaks, no-break spaces kept (mail programs indent with them)."""

    _BLOCKS = frozenset(
        ["address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "footer"]
        + ["form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre"]
        + ["section", "table", "tr", "ul"]
    )
    _HIDDEN = frozenset(["script", "style", "head", "title", "template", "noscript"])

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.hidden = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCKS:
            self._break(always=tag == "br")
            self.pre += tag == "pre"

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCKS:
            self._break()
            self.pre = max(0, self.pre - (tag == "pre"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self._break(always=tag == "br")

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.pre:
            first, *rest = data.replace("\r\n", "\n").split("\n")
            self.lines[-1] += first
            self.lines.extend(rest)
            return
        # HTML shows runs of ordinary white space as one space; a no-break space is kept.
        self.lines[-1] += re.sub(r"[ \t\r\n\f]+", " ", data)

    def _break(self, always: bool = False) -> None:
        if always or self.lines[-1].strip(" "):
            self.lines.append("")

    def text(self) -> str:
        # A space that only comes from the HTML source's layout, at the start or end of a
        # line, is not one the person sees.
        return "\n".join(line.strip(" ").replace("\xa0", " ") for line in self.lines)


def _html_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    return parser.text()


def _message_text(msg: EmailMessage, src: str, outcome: Outcome) -> str:
    """The message's text: its plain text part, or else the text its HTML part shows (the
    markers must have come through as text). Attachments are noted, never opened."""
    chosen = msg.get_body(preferencelist=("plain", "html"))
    ignored = []
    for part in _leaves(msg):
        if part is chosen or (part.get_content_type() == "text/html" and not _is_attachment(part)):
            continue
        name = part.get_filename()
        ignored.append(_shown(name, 60) if name else f"sans nom ({part.get_content_type()})")
    outcome.notes += [f"pièce jointe ignorée : {name}" for name in ignored[:_LISTED_ATTACHMENTS]]
    if len(ignored) > _LISTED_ATTACHMENTS:
        outcome.notes.append(f"et {len(ignored) - _LISTED_ATTACHMENTS} autres pièces jointes ignorées")
    if chosen is None:
        raise _Refused(problem(src, 1, "COURRIEL_SANS_FICHE"))
    text = _decoded(chosen, src)
    if chosen.get_content_type() == "text/html":
        outcome.notes.append(
            "message en HTML seulement : la fiche a été lue dans le texte affiché, "
            "relisez sa mise en forme (retours à la ligne, espaces)"
        )
        return _html_text(text)
    if str(chosen.get_param("format", "")).lower() == "flowed":
        text = _unflow(text, str(chosen.get_param("delsp", "")).lower() == "yes")
    return text


def _is_attachment(part: Message) -> bool:
    return part.get_content_disposition() == "attachment" or part.get_filename() is not None


def _leaves(msg: Message) -> Iterator[Message]:
    """Every part that is not a container; an attached message is one part (never opened)."""
    if msg.get_content_maintype() == "multipart":
        payload = msg.get_payload()
        for part in payload if isinstance(payload, list) else []:
            if isinstance(part, Message):
                yield from _leaves(part)
    else:
        yield msg


# --- the text → the cards between the markers ------------------------------------------------

_QUOTE = re.compile(r"^(?:>[ \t]?)*")


def _depth(line: str) -> int:
    return _QUOTE.match(line).group().count(">")  # type: ignore[union-attr]


def cards(text: str, src: str) -> list[str]:
    """The card texts between the markers: those of the message itself, or else, when the
    only card is in a quoted reply, that card unquoted one level (if every line of it is
    quoted the same way). Problems as _Refused."""
    lines = text.split("\n")
    found = _blocks(lines, 0)
    if found:
        return ["\n".join(block) + "\n" for block in found]
    quoted = _blocks(lines, 1)
    if quoted:
        unquoted = []
        for block in quoted:
            prefix = "> " if block[0].startswith("> ") else ">"
            kept = []
            for line in block[1:-1]:
                if line.startswith(prefix) or line.rstrip() in (">", ""):
                    kept.append(line[len(prefix) :] if line.startswith(prefix) else "")
                else:
                    raise _Refused(problem(src, 1, "COURRIEL_CITATION"))
            unquoted.append("\n".join(kept) + "\n")
        return unquoted
    if any(_is_marker(line, BEGIN) or _is_marker(line, END) for line in lines):
        raise _Refused(problem(src, 1, "COURRIEL_CITATION"))
    raise _Refused(problem(src, 1, "COURRIEL_SANS_FICHE"))


def _is_marker(line: str, marker: str) -> bool:
    return _QUOTE.sub("", line).strip() == marker


def _blocks(lines: list[str], depth: int) -> list[list[str]]:
    """The blocks between a BEGIN and an END quoted ``depth`` times: for depth 0, the lines
    between the markers; for depth 1, the markers' lines included (for their quoting)."""
    blocks, current = [], None
    for line in lines:
        if _depth(line) == depth and _is_marker(line, BEGIN):
            current = [line]  # a second BEGIN without END starts again: the first had no end
        elif current is not None and _depth(line) == depth and _is_marker(line, END):
            current.append(line)
            blocks.append(current[1:-1] if depth == 0 else current)
            current = None
        elif current is not None:
            current.append(line)
    return blocks


# --- the cards → files under docs/ -----------------------------------------------------------


def _checked(
    text: str, src: str, docs_dir: Path, catalogue: Catalogue, taken: dict[str, str]
) -> tuple[AnyCard | None, list[Problem]]:
    """The card as it will be written (its identifier from its title, its folder from its
    type), checked as `terreau valider` would; or its problems."""
    data = text.encode("utf-8")
    card, problems = load_bytes(data, "fiche.md", src)
    if card is None:
        return None, problems
    card_id = scaffold.slugify(card.meta.titre) or "sans-titre"
    rel = scaffold.rel_path(card.kind, card_id)
    card = dataclasses.replace(card, id=card_id, rel_path=rel)
    target = docs_dir / rel
    if target.exists() or target.is_symlink():
        return None, [*problems, problem(src, 1, "FICHIER_EXISTANT", fichier=str(target))]
    if card_id in catalogue.cards or card_id in catalogue.broken or card_id in taken:
        other = catalogue.cards[card_id].src if card_id in catalogue.cards else taken.get(card_id)
        autre = other or "une fiche de docs/ qui n'est pas valide"
        return None, [*problems, problem(src, 1, "ID_DOUBLON", id=card_id, autre=autre)]
    trial = Catalogue(cards=dict(catalogue.cards), broken=set(catalogue.broken))
    trial.add(card)
    problems += [p for p in check_references(trial) if p.path == src]
    shown = f"{docs_dir.as_posix().rstrip('/')}/"
    broken_links = links.check_page(docs_dir, shown, rel, (card.body, card.body_line), catalogue.allowed)
    problems += [dataclasses.replace(p, path=src) for p in broken_links]
    problems.sort()
    return (None if any(p.is_error for p in problems) else card), problems


def import_message(raw: bytes, src: str, docs_dir: Path, catalogue: Catalogue, size: int = 0) -> Outcome:
    """Write the cards one message carries, all or none; never raises on bad content.

    ``size``: the message's whole size when ``raw`` is only its beginning."""
    outcome = Outcome(src)
    size = max(size, len(raw))
    try:
        too_large = size > MAX_MESSAGE_BYTES
        _precheck(raw, src, headersonly=too_large)
        parser = BytesParser(_class=EmailMessage, policy=email.policy.default)
        msg = parser.parsebytes(raw, headersonly=too_large)
        outcome.subject, outcome.date = _identity(msg)
        if too_large:
            raise _Refused(problem(src, 1, "COURRIEL_TROP_GROS", taille=size, limite=MAX_MESSAGE_BYTES))
        texts = cards(_message_text(msg, src, outcome), src)
    except _Refused as refused:
        outcome.problems.append(refused.problem)
        return outcome
    except Exception:  # noqa: BLE001
        # The standard library's parser on a hostile message (its header parser has known
        # crashes: IndexError, AttributeError…): whatever it trips on, this message is
        # unreadable, and the next one is still read.
        outcome.problems.append(problem(src, 1, "COURRIEL_ILLISIBLE", detail="message mal formé"))
        return outcome
    ready: list[tuple[AnyCard, str]] = []
    taken: dict[str, str] = {}
    for n, card_text in enumerate(texts, start=1):
        card_src = src if len(texts) == 1 else f"{src}, fiche {n}"
        card, problems = _checked(card_text, card_src, docs_dir, catalogue, taken)
        outcome.problems += problems
        if card is not None:
            ready.append((card, card_text))
            taken[card.id] = card_src
    if any(p.is_error for p in outcome.problems):
        return outcome
    for card, card_text in ready:
        path = docs_dir / card.rel_path
        try:
            atomic.create_text(path, card_text)
        except FileExistsError:  # written meanwhile by someone else
            outcome.problems.append(problem(src, 1, "FICHIER_EXISTANT", fichier=str(path)))
            continue
        outcome.written.append(path)
        catalogue.add(card)  # the next messages see it: same title, same file
    return outcome


def import_file(path: Path, shown: str, docs_dir: Path, catalogue: Catalogue) -> Iterator[Outcome]:
    """Import every message of a saved file, one after the other: one bad message never
    stops the others."""
    for src, raw, size in messages(path, shown):
        yield import_message(raw, src, docs_dir, catalogue, size)
