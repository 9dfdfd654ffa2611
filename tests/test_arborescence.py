"""docs/ is untrusted: only checked cards, pages and images are read and published.

A symbolic link to the build's environment, a smuggled page with a script, a FIFO: each is
named by `terreau valider` in French, stops the build, and no byte of what it points to
reaches the site or its offline archive — even when it appears after the check.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, build_site
from markupsafe import escape
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from terreau.adapters.mkdocs.plugin import TerreauPlugin
from terreau.cli import main
from terreau.core import tree
from terreau.site import output

SECRET = "terreau-secret-4f1c9e"
FOLDERS = ["methodes", "outils", "actions", "retours", "parcours", "axes"]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000030101005d0d2a3c0000000049454e44ae426082"
)
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/'
    b'namespaces/inkscape" viewBox="0 0 10 10" inkscape:version="1.2"><defs><linearGradient '
    b'id="g"><stop offset="0"/></linearGradient></defs><title>Un carr\xc3\xa9</title>'
    b'<rect width="10" height="10" fill="url(#g)"/></svg>\n'
)
CARD = (ROOT / "tests/fixtures/base/methodes/methode-essai.md").read_bytes()


def hostile(docs: Path) -> dict[str, str]:
    """Lay hostile entries in every cards folder; the code each one must get."""
    expected = {}
    for folder in FOLDERS:
        base = docs / folder
        (base / "page.html").write_text("<script>alert(document.domain)</script>", "utf-8")
        (base / "dessin.svg").write_bytes(SVG.replace(b"<rect", b"<script>alert(1)</script><rect"))
        (base / "code.js").write_text("alert(1)", "utf-8")
        (base / "notes.txt").write_text("notes", "utf-8")
        (base / "programme.sh").write_text("#!/bin/sh\necho pwned\n", "utf-8")
        (base / "programme.sh").chmod(0o755)
        (base / "fiche-majuscules.MD").write_bytes(CARD)
        os.mkfifo(base / "tube.md")
        (base / "environ.txt").symlink_to("/proc/self/environ")
        (base / "passwd.md").symlink_to("/etc/passwd")
        for name in ("page.html", "dessin.svg", "code.js", "notes.txt", "programme.sh"):
            expected[f"{folder}/{name}"] = "FICHIER_INTERDIT"
        expected[f"{folder}/fiche-majuscules.MD"] = "EXTENSION"
        expected[f"{folder}/tube.md"] = "FICHIER_SPECIAL"
        expected[f"{folder}/environ.txt"] = "FICHIER_LIEN"
        expected[f"{folder}/passwd.md"] = "FICHIER_LIEN"
    (docs / "lien-dossier").symlink_to("/etc", target_is_directory=True)
    expected["lien-dossier"] = "FICHIER_LIEN"
    return expected


def found_codes(out: str) -> dict[str, str]:
    codes = {}
    for line in out.splitlines():
        where, rest = line.split(": ", 1)
        codes[where.rsplit(":", 1)[0].removeprefix("docs/")] = rest.split(" ", 1)[0]
    return codes


def leaked(site: Path) -> list[str]:
    """Files of the site (and members of its archive) that hold the secret or /etc/passwd."""
    found = []
    for path in site.rglob("*") if site.exists() else ():
        if path.is_symlink():
            found.append(f"{path} (lien)")
            continue
        if not path.is_file():
            continue
        data = path.read_bytes()
        if SECRET.encode() in data or b"root:x:0:0" in data:
            found.append(str(path))
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as z:
                found += [m for m in z.namelist() if SECRET.encode() in z.read(m)]
    return found


def test_validator_names_every_hostile_file_in_every_folder(
    docs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = hostile(docs)
    assert main(["valider"]) == 1
    out = capsys.readouterr().out
    assert found_codes(out) == expected
    assert "Traceback" not in out


def test_build_refuses_hostile_files_and_no_secret_leaves(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("TERREAU_SECRET", SECRET)
    hostile(docs)
    with pytest.raises(Abort):
        build_site(docs, tmp_path / "site")
    assert "methodes/environ.txt:1: FICHIER_LIEN un lien symbolique n'est pas accepté" in caplog.text
    assert leaked(tmp_path / "site") == []


def late(docs: Path, make: str) -> None:
    """Change docs/ right after Terreau checked it, as a concurrent process could."""
    original = TerreauPlugin.on_config

    def on_config(self: TerreauPlugin, config: object) -> object:
        result = original(self, config)  # type: ignore[arg-type]
        if make == "lien":
            (docs / "methodes/environ.txt").symlink_to("/proc/self/environ")
        else:  # a checked image swapped for a link
            (docs / "images/carre.png").unlink()
            (docs / "images/carre.png").symlink_to("/proc/self/environ")
        return result

    TerreauPlugin.on_config = on_config  # type: ignore[method-assign]


def test_a_link_that_appears_after_the_check_is_not_published(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("TERREAU_SECRET", SECRET)
    monkeypatch.setattr(TerreauPlugin, "on_config", TerreauPlugin.on_config)
    late(docs, "lien")
    with pytest.raises(Abort, match="strict"):
        build_site(docs, tmp_path / "site")
    assert "methodes/environ.txt est apparu après la vérification des fiches : non publié" in caplog.text
    assert (tmp_path / "site/index.html").exists()  # the build ran to its end…
    assert not (tmp_path / "site/methodes/environ.txt").exists()
    assert leaked(tmp_path / "site") == []  # …and published nothing of the link


def test_an_image_swapped_for_a_link_after_the_check_stops_the_build(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("TERREAU_SECRET", SECRET)
    (docs / "images").mkdir()
    (docs / "images/carre.png").write_bytes(PNG)
    monkeypatch.setattr(TerreauPlugin, "on_config", TerreauPlugin.on_config)
    late(docs, "image")
    with pytest.raises(Abort):
        build_site(docs, tmp_path / "site")
    assert "images/carre.png a changé pendant la construction" in caplog.text
    assert leaked(tmp_path / "site") == []


def test_checked_images_are_published_byte_for_byte(docs: Path, tmp_path: Path) -> None:
    (docs / "images").mkdir()
    (docs / "images/carre.png").write_bytes(PNG)
    (docs / "images/carre.svg").write_bytes(SVG)
    os.link(docs / "images/carre.png", docs / "images/meme-carre.png")  # two names, both in docs/
    build_site(docs, tmp_path / "site")
    site = tmp_path / "site"
    assert (site / "images/carre.png").read_bytes() == PNG
    assert (site / "images/meme-carre.png").read_bytes() == PNG
    assert (site / "images/carre.svg").read_bytes() == SVG
    with zipfile.ZipFile(site / "terreau-hors-ligne.zip") as z:
        assert z.read("terreau/images/carre.svg") == SVG
    with zipfile.ZipFile(site / "terreau-methodes.zip") as z:  # every archive holds the images
        assert z.read("terreau-methodes/images/carre.svg") == SVG


def test_a_hard_link_to_a_file_outside_docs_is_refused(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "dehors.png").write_bytes(PNG)
    (docs / "images").mkdir()
    os.link(tmp_path / "dehors.png", docs / "images/lien.png")
    assert main(["valider"]) == 1
    assert found_codes(capsys.readouterr().out) == {"images/lien.png": "FICHIER_LIEN"}


def test_images_are_checked_by_their_bytes(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    images = docs / "images"
    images.mkdir()
    (images / "photo.jpg").write_bytes(PNG)  # a PNG named .jpg
    (images / "page.png").write_text("<html><script>alert(1)</script></html>", "utf-8")
    (images / "grande.png").write_bytes(PNG + bytes(tree.RASTER_MAX))
    (docs / "methodes/photo.png").write_bytes(PNG)  # an image outside an images folder
    assert main(["valider"]) == 1
    assert found_codes(capsys.readouterr().out) == {
        "images/photo.jpg": "IMAGE_FORMAT",
        "images/page.png": "IMAGE_FORMAT",
        "images/grande.png": "IMAGE_TROP_LOURDE",
        "methodes/photo.png": "FICHIER_INTERDIT",
    }


@pytest.mark.parametrize(
    ("svg", "reason"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "attribut d'événement « onload »"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
            "élément <foreignObject> non accepté",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "x"</style></svg>', "élément <style>"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<use x:href="https://ailleurs.example/a.svg#b"/></svg>',
            "référence externe « https://ailleurs.example/a.svg#b »",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://t.example/p)"/></svg>',
            "adresse externe dans l'attribut « style »",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:text/html,&lt;script&gt;"/></svg>',
            "référence externe",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
            "DOCTYPE",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><animate attributeName="href"/></svg>', "<animate>"),
        (b"<html><body>pas une image</body></html>", "l'élément racine n'est pas <svg>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect>', "XML mal formé"),
    ],
)
def test_an_svg_that_does_more_than_draw_is_refused(svg: bytes, reason: str) -> None:
    found = tree.svg_problem(svg)
    assert found is not None and reason in found


def test_an_svg_that_only_draws_is_accepted() -> None:
    assert tree.svg_problem(SVG) is None
    embedded = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,iVBORw0K"/></svg>'
    assert tree.svg_problem(embedded) is None


def test_reading_never_follows_a_link_nor_waits_on_a_fifo(tmp_path: Path) -> None:
    (tmp_path / "vrai.md").write_text("texte", "utf-8")
    (tmp_path / "lien.md").symlink_to(tmp_path / "vrai.md")
    os.mkfifo(tmp_path / "tube.md")
    assert tree.read_regular(tmp_path / "vrai.md", tmp_path, 100) == b"texte"
    with pytest.raises(OSError):
        tree.read_regular(tmp_path / "lien.md", tmp_path, 100)
    with pytest.raises(OSError):
        tree.read_regular(tmp_path / "tube.md", tmp_path, 100)  # returns at once, never blocks
    with pytest.raises(OSError):
        tree.read_regular(tmp_path / "vrai.md", tmp_path / "ailleurs", 100)


def test_a_stray_file_in_the_site_stops_the_build(
    docs: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The last wall: a file no build step made (here left by an earlier build, kept by
    --dirty) or a link in the output is reported, and the build fails."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "intrus.html").write_text("<script>alert(1)</script>", "utf-8")
    (site / "lien.txt").symlink_to("/etc/passwd")
    config = load_config(config_file=str(ROOT / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(site))
    config.plugins["terreau"].config.pdf = False  # type: ignore[attr-defined]
    with pytest.raises(Abort):
        build(config, dirty=True)
    assert "intrus.html : fichier inattendu" in caplog.text
    assert "lien.txt : lien symbolique" in caplog.text


def test_output_check_flags_links_fifos_and_unknown_files(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("ok", "utf-8")
    (tmp_path / "b.html").write_text("?", "utf-8")
    (tmp_path / "dossier").mkdir()
    (tmp_path / "dossier/lien").symlink_to("/etc")
    os.mkfifo(tmp_path / "tube")
    assert output.unexpected(tmp_path, {"a.html"}) == [
        "b.html : fichier inattendu",
        "dossier/lien : lien symbolique",
        "tube : fichier spécial",
    ]
    assert stat.S_ISFIFO(os.lstat(tmp_path / "tube").st_mode)


def test_hosts_that_read_headers_get_the_same_policy_as_the_pages(site: Path) -> None:
    from terreau.site import hosting

    headers = (site / "_headers").read_text("utf-8")
    assert f"  Content-Security-Policy: {hosting.CSP}\n" in headers
    assert "X-Content-Type-Options: nosniff" in headers
    page = (site / "index.html").read_text("utf-8")
    assert f'<meta http-equiv="Content-Security-Policy" content="{hosting.CSP}">' in page
    # Self-hosting: the page gives the same policy as server lines.
    hosting_page = (site / "contribuer/heberger.html").read_text("utf-8")
    assert str(escape(hosting.nginx())) in hosting_page
    assert str(escape(hosting.apache())) in hosting_page


def test_the_site_pages_get_the_same_text_rules_as_cards(
    docs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = docs / "a-propos.md"
    text = page.read_text("utf-8").split("\n")
    text[2] = "Un texte \u202eretourné et une image ![x](https://pisteur.example/p.png)."
    page.write_text("\n".join(text), "utf-8")
    assert main(["valider"]) == 1
    out = capsys.readouterr().out
    assert "docs/a-propos.md:3: CARACTERE_INVISIBLE" in out
    assert "docs/a-propos.md:3: IMAGE_EXTERNE" in out
