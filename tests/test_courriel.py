"""`terreau importer-courriel`: a card sent by e-mail becomes a file under docs/, or nothing
is written and the maintainer reads, in French, what to ask the sender.

Every message here is built with the standard library's email package, as a mail program
would send it, then saved to a file as a maintainer would save it."""

from __future__ import annotations

import errno
import json
import mailbox
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import ROOT
from terreau.cli import main
from terreau.contribute import courriel
from terreau.contribute.courriel import BEGIN, END, body
from terreau.core.loader import MAX_BYTES

FIXTURES = Path(__file__).parent / "fixtures"
SENDER = "camille.martin@example.org"


def card(titre: str = "Un retour à Léaz", texte: str = "", fiches: str = "[methode-essai]") -> str:
    """A valid feedback card, as the site's form writes it: accents, a long line, a list."""
    return (
        "---\n"
        "type: retour\n"
        f"titre: {json.dumps(titre, ensure_ascii=False)}\n"
        "resume: Le porte-à-porte des besoins a réuni quarante foyers ; l'association a "
        "présenté les résultats à l'été, à la salle des fêtes du village.\n"
        "lieu:\n"
        "  nom: Commune d'essai\n"
        "  communes:\n"
        "    - nom: Ajaccio\n"
        "      insee: 2A004\n"
        "      population: 70000\n"
        "      annee_population: 2021\n"
        "periode: {debut: 2021-03, fin: 2022}\n"
        "structure_porteuse: Association « Vivre ensemble »\n"
        f"fiches: {fiches}\n"
        "verification: structure\n"
        "sources:\n"
        "  - titre: Compte rendu de l'association\n"
        "---\n"
        "\n"
        "## Le déroulement\n"
        "\n"
        "Nous avons frappé à toutes les portes, deux soirs par semaine, pendant un mois.\n"
        f"{texte}"
    )


def message(text: str, subject: str = "Notre retour d'expérience", **content: str) -> EmailMessage:
    m = EmailMessage()
    m["Subject"] = subject
    m["From"] = f"Camille Martin <{SENDER}>"
    m["To"] = "contact@terreau.example"
    m["Date"] = "Tue, 03 Mar 2026 10:00:00 +0100"
    m.set_content(text, **content)  # type: ignore[arg-type]
    return m


def save(tmp_path: Path, m: EmailMessage | bytes, name: str = "courriel.eml") -> Path:
    path = tmp_path / name
    path.write_bytes(m if isinstance(m, bytes) else bytes(m))
    return path


@pytest.fixture
def docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small valid tree of tests/fixtures/base, in the working directory."""
    target = tmp_path / "docs"
    shutil.copytree(FIXTURES / "base", target)
    monkeypatch.chdir(tmp_path)
    return target


def run(capsys: pytest.CaptureFixture[str], *files: str) -> tuple[int, str, str]:
    code = main(["importer-courriel", *files])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def written(docs: Path) -> set[str]:
    return {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")} - BASE


BASE = {p.relative_to(FIXTURES / "base").as_posix() for p in (FIXTURES / "base").rglob("*.md")}
TARGET = "retours/un-retour-a-leaz.md"


def assert_refused(docs: Path, capsys: pytest.CaptureFixture[str], expected: str) -> str:
    """Import courriel.eml: exit code 1, ``expected`` in the report, nothing written."""
    code, out, _ = run(capsys, "courriel.eml")
    assert code == 1
    assert expected in out
    assert written(docs) == set()
    return out


def assert_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["valider"]) == 0
    assert "aucun problème" in capsys.readouterr().err


# --- the format ----------------------------------------------------------------------------


def test_body_puts_the_card_between_the_markers_and_cards_finds_it_back() -> None:
    text = body(card(), "Bonjour,\nvoici notre retour.")
    assert text.startswith("Bonjour,\nvoici notre retour.\n\n" + BEGIN + "\n---\n")
    assert text.endswith("\n" + END + "\n")
    assert courriel.cards(text, "m") == [card()]
    assert courriel.cards(body(card().replace("\n", "\r\n").rstrip(), ""), "m") == [card()]


# --- encodings: the written file is the card as sent, byte for byte ------------------------


@pytest.mark.parametrize(
    ("charset", "cte"),
    [
        ("utf-8", "quoted-printable"),
        ("utf-8", "base64"),
        ("utf-8", "8bit"),
        ("iso-8859-1", "quoted-printable"),
        ("iso-8859-15", "base64"),
        ("windows-1252", "quoted-printable"),
    ],
)
def test_a_card_arrives_whole_whatever_the_encoding(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], charset: str, cte: str
) -> None:
    extra = {"iso-8859-1": "", "iso-8859-15": "Notre vœu : que l'enquête continue.\n"}.get(
        charset, "Notre vœu : que l’enquête continue.\n"
    )
    sent = card(texte=extra)
    save(tmp_path, message(body(sent, "Bonjour,"), charset=charset, cte=cte))
    code, out, err = run(capsys, "courriel.eml")
    assert code == 0, out + err
    assert out == (
        "courriel.eml, message 1 (« Notre retour d'expérience », 3 mars 2026) : "
        f"fiche écrite dans docs/{TARGET}\n"
    )
    assert "1 message(s) lu(s) : 1 devenu(s) fiche(s)." in err
    assert (docs / TARGET).read_bytes() == sent.encode("utf-8")
    assert_valid(capsys)


def test_a_message_saved_with_windows_line_endings(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = bytes(message(body(card(), "Bonjour,"), cte="quoted-printable")).replace(b"\n", b"\r\n")
    save(tmp_path, raw)
    assert run(capsys, "courriel.eml")[0] == 0
    assert (docs / TARGET).read_bytes() == card().encode("utf-8")


def test_format_flowed_lines_are_joined_back(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Thunderbird cuts long lines with a trailing space and stuffs a space before lines that
    start with one (RFC 3676): the card must come back as it was."""
    flowed = []
    for line in body(card(), "Bonjour,").split("\n"):
        line = " " + line if line.startswith((" ", ">", "From ")) else line
        while len(line) > 60:
            cut = line.rfind(" ", 20, 60)
            if cut < 0:
                break
            flowed.append(line[: cut + 1])
            line = line[cut + 1 :]
        flowed.append(line)
    m = message("\n".join(flowed) + "\n-- \nCamille\n")
    m.set_param("format", "flowed")
    save(tmp_path, m)
    assert run(capsys, "courriel.eml")[0] == 0
    assert (docs / TARGET).read_text("utf-8") == card()


def test_undecodable_bytes_are_refused_with_the_line(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = bytes(message(body(card(), "Bonjour,"), cte="8bit"))
    save(tmp_path, raw.replace("frappé".encode(), "frappé".encode("latin-1")))
    assert_refused(
        docs,
        capsys,
        "COURRIEL_ILLISIBLE le message ne peut pas être lu (octets invalides en utf-8 à la ligne",
    )


# --- what is used, what is ignored ----------------------------------------------------------


def test_only_the_card_is_kept_never_the_sender(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "Bonjour,\n\nvoici notre retour, merci pour votre travail !\n\n"
        + body(card(), "")
        + "\nBien à vous,\n-- \nCamille Martin\n06 12 34 56 78\n"
        + SENDER
        + "\n"
    )
    save(tmp_path, message(text))
    code, out, err = run(capsys, "courriel.eml")
    assert code == 0
    content = (docs / TARGET).read_text("utf-8")
    assert content == card()
    for private in (SENDER, "Camille", "06 12", "Notre retour d'expérience"):
        assert private not in content
    assert SENDER not in out + err


def test_attachments_are_never_opened_and_are_named_in_the_report(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = message(body(card(), "Bonjour, la fiche et deux pièces jointes."))
    m.add_attachment(card(titre="Fiche en pièce jointe").encode(), "text", "markdown", filename="fiche.md")
    m.add_attachment(b"\x89PNG\r\n\x1a\n", maintype="image", subtype="png", filename="../../etc/passwd")
    inner = message(body(card(titre="Message transféré"), ""))
    m.add_attachment(inner)
    save(tmp_path, m)
    code, out, _ = run(capsys, "courriel.eml")
    assert code == 0
    assert written(docs) == {TARGET}
    head = "courriel.eml, message 1 (« Notre retour d'expérience », 3 mars 2026) : "
    assert head + "pièce jointe ignorée : fiche.md\n" in out
    assert head + "pièce jointe ignorée : ../../etc/passwd\n" in out
    assert head + "pièce jointe ignorée : sans nom (message/rfc822)\n" in out
    assert not (tmp_path / "etc").exists()


def test_the_plain_text_part_is_used_not_the_html(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = message(body(card(), "Bonjour,"))
    m.add_alternative(body(card(titre="Autre titre en HTML"), "<p>Bonjour</p>"), subtype="html")
    save(tmp_path, m)
    code, out, _ = run(capsys, "courriel.eml")
    assert code == 0
    assert written(docs) == {TARGET}
    assert "HTML" not in out


def composer_html(text: str) -> str:
    """A card as a mail program's HTML editor sends it: one <div> a line, &nbsp; to indent,
    <div><br></div> for an empty line, and styles and scripts around."""
    lines = []
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        shown = "&nbsp;" * indent + line[indent:].replace("&", "&amp;").replace("<", "&lt;")
        lines.append(f"<div>{shown or '<br>'}</div>")
    # An end marker in a script and one in a style: text nobody sees, that would cut the card.
    lines.insert(5, f"<div><script>{END}</script></div>")
    lines.insert(8, f"<div><style>{END}</style></div>")
    return (
        "<html><head><style>div { margin: 0 }</style><title>Fiche</title></head><body>\n"
        + "\n".join(lines)
        + "\n</body></html>\n"
    )


def test_an_html_only_message_is_read_as_shown_with_a_note(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Some webmails send HTML only: the markers are found in the text the person saw (never
    in a script or a style), and the maintainer is told to check the layout."""
    save(tmp_path, message(composer_html(body(card(), "Bonjour,")), subtype="html"))
    code, out, _ = run(capsys, "courriel.eml")
    assert code == 0, out
    assert "message en HTML seulement : la fiche a été lue dans le texte affiché" in out
    assert (docs / TARGET).read_text("utf-8") == card()
    assert_valid(capsys)


def test_markers_only_in_a_script_are_no_card(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hidden = "".join(f"<div><script>{line}</script></div>" for line in body(card(), "").split("\n"))
    html = f"<html><body><p>Bonjour</p>{hidden}</body></html>"
    save(tmp_path, message(html, subtype="html"))
    assert_refused(docs, capsys, ":1: COURRIEL_SANS_FICHE le message ne contient pas de fiche Terreau")


# --- replies ----------------------------------------------------------------------------


def quote(text: str) -> str:
    return "".join(f"> {line}\n" if line else ">\n" for line in text.rstrip("\n").split("\n"))


def test_a_card_only_in_a_quoted_reply_is_unquoted(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Oui, c'est bien celle-ci.\n\nLe 2 mars 2026, Camille a écrit :\n" + quote(
        body(card(), "Bonjour,")
    )
    save(tmp_path, message(text, subject="Re: Notre retour"))
    assert run(capsys, "courriel.eml")[0] == 0
    assert (docs / TARGET).read_text("utf-8") == card()


def test_a_new_card_wins_over_the_quoted_old_one(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = card(texte="Avec la correction demandée.\n")
    text = (
        body(new, "Voici la fiche corrigée.") + "\nLe 2 mars, Terreau a écrit :\n" + quote(body(card(), ""))
    )
    save(tmp_path, message(text, subject="Re: Notre retour"))
    assert run(capsys, "courriel.eml")[0] == 0
    assert (docs / TARGET).read_text("utf-8") == new


# --- several cards, several messages ------------------------------------------------------


def test_two_cards_in_one_message_are_both_written(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = body(card(), "Nos deux retours.") + "\n" + body(card(titre="Un second retour"), "")
    save(tmp_path, message(text))
    code, out, _ = run(capsys, "courriel.eml")
    assert code == 0
    assert written(docs) == {TARGET, "retours/un-second-retour.md"}
    assert_valid(capsys)


def test_two_cards_one_invalid_none_is_written(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = body(card(), "Nos deux retours.") + body(card(titre="Un second retour", fiches="[inconnue]"), "")
    save(tmp_path, message(text))
    code, out, _ = run(capsys, "courriel.eml")
    assert code == 1
    assert (
        "courriel.eml, message 1, fiche 2:14: REFERENCE_INCONNUE fiches[1] : "
        "la fiche « inconnue » n'existe pas" in out
    )
    assert written(docs) == set()


def test_an_mbox_of_three_one_broken_imports_the_two_others(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    box = mailbox.mbox(tmp_path / "retours.mbox")
    box.add(message(body(card(titre="Premier retour"), "Bonjour,"), subject="Premier"))
    box.add(message("Bonjour, j'ai oublié la fiche !", subject="Deuxième"))
    box.add(message(body(card(titre="Troisième retour"), "Bonjour,"), subject="Troisième"))
    box.close()
    code, out, err = run(capsys, "retours.mbox")
    assert code == 1
    assert out.splitlines()[0] == (
        "retours.mbox, message 1 (« Premier », 3 mars 2026) : "
        "fiche écrite dans docs/retours/premier-retour.md"
    )
    assert "retours.mbox, message 2 (« Deuxième », 3 mars 2026) : rien n'a été écrit." in out
    assert "retours.mbox, message 2:1: COURRIEL_SANS_FICHE" in out
    assert "retours.mbox, message 3 (« Troisième », 3 mars 2026) : fiche écrite" in out
    assert "3 message(s) lu(s) : 2 devenu(s) fiche(s), 1 message(s) à reprendre" in err
    assert written(docs) == {"retours/premier-retour.md", "retours/troisieme-retour.md"}
    assert_valid(capsys)


def test_the_same_card_twice_is_written_once(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save(tmp_path, message(body(card(), "Bonjour,")))
    assert run(capsys, "courriel.eml", "courriel.eml")[0] == 1
    assert (docs / TARGET).read_text("utf-8") == card()


# --- problems inside the card: the line is the card's own line ------------------------------


def test_a_problem_in_the_card_is_located_in_the_card(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save(
        tmp_path, message(body(card().replace("verification: structure", "verification: rumeur"), "Bonjour,"))
    )
    assert_refused(
        docs, capsys, "courriel.eml, message 1:15: VOCABULAIRE verification : valeur « rumeur » inconnue"
    )


def test_the_card_itself_follows_the_privacy_rules(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A private address in the card is an error, as in any card; a probable phone number is
    a warning: the card is written and the warning printed, for the review."""
    save(tmp_path, message(body(card(texte=f"Écrivez à {SENDER}.\n"), "")))
    assert_refused(docs, capsys, "CONTACT_PERSONNEL")
    save(tmp_path, message(body(card(texte="Salle des fêtes : 05 49 12 34 56.\n"), "")))
    code, out, _ = run(capsys, "courriel.eml")
    assert code == 0
    assert "courriel.eml, message 1:23: TELEPHONE (avertissement) numéro de téléphone probable" in out
    assert written(docs) == {TARGET}


def test_a_yaml_bomb_is_refused(docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    laughs += [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}" + f",*{chr(97 + i)}" * 8 + "]" for i in range(8)
    ]
    bomb = card().replace("verification: structure\n", "verification: structure\n" + "\n".join(laughs) + "\n")
    save(tmp_path, message(body(bomb, "")))
    assert_refused(docs, capsys, "YAML_ALIAS les ancres et alias YAML (& et *) ne sont pas acceptés")


def test_a_card_over_the_size_limit_is_refused(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = card(texte="Un paragraphe de plus pour que la fiche déborde.\n" * (MAX_BYTES // 40))
    save(tmp_path, message(body(big, ""), cte="quoted-printable"))
    code, out, _ = run(capsys, "courriel.eml")
    assert code == 1
    assert f"courriel.eml, message 1:1: FICHIER_TROP_GROS le fichier pèse {len(big.encode())} octets" in out


# --- where it is written ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("titre", "target"),
    [
        ("../../etc/passwd", "retours/etc-passwd.md"),
        ("/etc/cron.d/x", "retours/etc-cron-d-x.md"),
        ("CON", "retours/con-fiche.md"),
        ("Lpt1", "retours/lpt1-fiche.md"),
        ("a\\b/c", "retours/a-b-c.md"),
        ("« … »", "retours/sans-titre.md"),
    ],
)
def test_the_file_name_comes_from_the_title_never_a_path(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], titre: str, target: str
) -> None:
    before = {p for p in tmp_path.rglob("*") if p.is_file()}
    save(tmp_path, message(body(card(titre=titre), "")))
    assert run(capsys, "courriel.eml")[0] == 0
    after = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert after - before == {tmp_path / "courriel.eml", docs / target}


def test_an_existing_file_is_never_replaced(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (docs / TARGET).write_text("brouillon du mainteneur\n", "utf-8")
    save(tmp_path, message(body(card(), "")))
    code, out, _ = run(capsys, "courriel.eml")
    assert code == 1
    assert f"FICHIER_EXISTANT le fichier « docs/{TARGET} » existe déjà" in out
    assert (docs / TARGET).read_text("utf-8") == "brouillon du mainteneur\n"


def test_an_identifier_taken_in_another_folder_is_refused(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save(tmp_path, message(body(card(titre="Méthode essai"), "")))
    code, out, _ = run(capsys, "courriel.eml")
    assert code == 1
    assert (
        "ID_DOUBLON l'identifiant « methode-essai » est déjà utilisé par docs/methodes/methode-essai.md"
        in out
    )
    assert written(docs) == set()


# --- hostile messages: a French line each, never a traceback --------------------------------


def nested(depth: int) -> bytes:
    head = b"MIME-Version: 1.0\nSubject: poupees\n"
    parts = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(depth)
    )
    return head + parts + b"Content-Type: text/plain\n\nbonjour\n"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", "COURRIEL_SANS_FICHE"),
        (os.urandom(4096), "COURRIEL_"),
        (b"\x00\xff" * 1000, "COURRIEL_"),
        (nested(5000), "COURRIEL_"),
        (b"Subject: =?x-bogus?q?abc?=\nContent-Type: multipart/alternative\n\nno boundary\n", "COURRIEL_"),
        (b'Content-Type: text/plain; charset="rot13"\n\n' + body(card(), "").encode(), "COURRIEL_ILLISIBLE"),
        (b"Content-Transfer-Encoding: base64\n\n" + b"!!!!" * 10, "COURRIEL_ILLISIBLE"),
    ],
)
def test_a_hostile_message_gets_a_french_problem(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: bytes, code: str
) -> None:
    save(tmp_path, raw)
    exit_code, out, _ = run(capsys, "courriel.eml")
    assert exit_code == 1
    assert f"courriel.eml, message 1:1: {code}" in out
    assert written(docs) == set()


def many_parts(count: int) -> bytes:
    parts = b"".join(b"--b\nContent-Type: text/plain\n\nx\n" for _ in range(count))
    return b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n' + parts + b"--b--\n"


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (many_parts(150), "plus de 100 parties"),
        (
            b"Subject: " + b" =?utf-8?q?=C3=A9t=C3=A9?=" * 20000 + b"\n\n",
            "en-tête « Subject » de plus de 2048",
        ),
        (
            b"Content-Type: text/plain; "
            + b"; ".join(b'a%d*%d*="x;y"' % (i, i) for i in range(20000))
            + b"\n\n",
            "en-tête « Content-Type » de plus de 2048",
        ),
    ],
)
def test_what_would_make_the_mail_parser_crawl_is_refused_first(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: bytes, detail: str
) -> None:
    """Python's header parser takes minutes and gigabytes on a crafted header of a megabyte:
    such headers, and thousands of parts, are refused before it reads them."""
    save(tmp_path, raw)
    code, out, _ = run(capsys, "courriel.eml")
    assert code == 1
    assert f"COURRIEL_ILLISIBLE le message ne peut pas être lu ({detail}" in out


def test_a_long_list_of_attachments_is_cut_short(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = message(body(card(), ""))
    for i in range(15):
        m.add_attachment(b"x", maintype="application", subtype="pdf", filename=f"annexe-{i}.pdf")
    save(tmp_path, m)
    code, out, _ = run(capsys, "courriel.eml")
    assert code == 0
    assert out.count("pièce jointe ignorée : annexe-") == 10
    assert "(« Notre retour d'expérience », 3 mars 2026) : et 5 autres pièces jointes ignorées\n" in out


def test_a_subject_cannot_rewrite_the_terminal(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save(tmp_path, message(body(card(), ""), subject="Retour \x1b[2J\u202eLéaz" + " très long" * 20))
    code, out, _ = run(capsys, "courriel.eml")
    assert code == 0
    first = out.splitlines()[0]
    assert "\x1b" not in out and "\u202e" not in out
    assert first.startswith("courriel.eml, message 1 (« Retour [2J Léaz très long")
    assert "… », 3 mars 2026) : fiche écrite" in first


def test_missing_file_and_help(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["importer-courriel", "absent.eml"]) == 2
    assert "le fichier « absent.eml » est introuvable" in capsys.readouterr().err
    assert main(["importer-courriel", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert "Lit des messages enregistrés (.eml, ou une boîte mbox" in help_text
    assert "« ----- début de la fiche Terreau ----- »" in " ".join(help_text.split())


def test_an_unreadable_file_does_not_stop_the_others(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    save(tmp_path, message(body(card(titre="Sur un disque abîmé"), "")), "abime.eml")
    save(tmp_path, message(body(card(), "")))
    real = courriel.import_file

    def failing(path: Path, *args: object) -> Iterator[courriel.Outcome]:
        if path.name == "abime.eml":
            raise OSError(errno.EIO, "Input/output error")
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(courriel, "import_file", failing)
    code, out, err = run(capsys, "abime.eml", "courriel.eml")
    assert code == 1
    assert "terreau : le fichier « abime.eml » ne peut pas être lu (Input/output error)." in err
    assert written(docs) == {TARGET}


def test_the_command_as_a_maintainer_runs_it(docs: Path, tmp_path: Path) -> None:
    """A real process: French on stdout, the summary on stderr, exit code 1 when one message
    of the mbox is broken, and never a Python traceback."""
    box = mailbox.mbox(tmp_path / "boite.mbox")
    box.add(message(body(card(), "Bonjour,")))
    box.add(b"From nobody\nContent-Type: text/plain; charset=x-nimporte\n\n" + body(card(), "").encode())
    box.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tools")}
    result = subprocess.run(
        [sys.executable, "-m", "terreau.cli", "importer-courriel", "boite.mbox"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "boite.mbox, message 1 (« Notre retour d'expérience », 3 mars 2026) : "
        f"fiche écrite dans docs/{TARGET}" in result.stdout
    )
    assert (
        "boite.mbox, message 2:1: COURRIEL_ILLISIBLE le message ne peut pas être lu (jeu de caractères"
        in (result.stdout)
    )
    assert "2 message(s) lu(s) : 1 devenu(s) fiche(s), 1 message(s) à reprendre" in result.stderr
