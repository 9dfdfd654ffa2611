"""`terreau valider` checks links between pages exactly as `mkdocs build --strict` does.

Each case of CASES is laid over tests/fixtures/base/ (plus stubs of the pages mkdocs.yml's
nav names), then checked twice: by `terreau valider`, and by a real build with the
project's mkdocs.yml (Terreau's own link check left out, so that MkDocs decides alone).
Random Markdown is also checked against MkDocs' page rendering, and the validator's quick
reading against its full rendering.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
import terreau.site.build
import yaml
from conftest import ROOT, build_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.exceptions import Abort
from terreau.cli import main
from terreau.core import links, pages

BASE = ROOT / "tests/fixtures/base"
M = "methodes/methode-essai.md"  # a card of the base tree
O = "outils/outil-essai.md"  # noqa: E741 - another one
HOME = "---\ntitle: Accueil\n---\n\n# Accueil\n\n"  # a site page, with front matter

# (name, files laid over the base tree, does the build fail?). A file of the base tree gets
# the text at the end; a new file is the text.
CASES: list[tuple[str, dict[str, str | bytes], bool]] = [
    ("fiche", {M: "[L'outil](../outils/outil-essai.md)"}, False),
    ("fiche-absente", {M: "[L'outil](../outils/outil-absent.md)"}, True),
    ("lien-html", {M: "[L'outil](../outils/outil-essai.html)"}, True),
    ("dossier", {M: "[Les outils](../outils/)"}, True),
    ("ancre", {O: "## Étapes\n\n## Étapes", M: "[Étapes](../outils/outil-essai.md#etapes_1)"}, False),
    ("ancre-absente", {O: "## Étapes", M: "[Étapes](../outils/outil-essai.md#etape)"}, True),
    ("ancre-attr-list", {M: "## Pour finir {#fin}\n\nVoir [la fin](#fin)."}, False),
    # The card templates' ids (here the title's) are added after MkDocs reads the anchors.
    ("ancre-du-gabarit", {M: "Retour [au titre](#terreau-titre)."}, True),
    ("page-generee", {M: "[Référence](../contribuer/reference.md#reference-des-fiches)"}, False),
    ("ancre-page-generee", {M: "[Codes](../contribuer/reference.md#terreau-erreur-lien_casse)"}, True),
    (
        "donnees",
        {M: "[Les fiches](../donnees/fiches.csv) et [le schéma](../donnees/datapackage.json)"},
        False,
    ),
    ("absolu", {M: "[Moi](/methodes/methode-essai.md)"}, True),
    ("externes", {M: "[a](https://exemple.org/absent.md), [b](http://exemple.org) et [c](#)"}, False),
    (
        "code",
        {M: "```\n[x](absent.md)\n```\n\nEn ligne : `[y](absent.md)`.\n\n~~~~md\n![z](absent.png)\n~~~~"},
        False,
    ),
    ("html-brut", {M: '<a href="absent.md">x</a> et <img src="absente.png" alt="">'}, False),
    ("reference", {M: "Voir [l'outil][o].\n\n[o]: ../outils/outil-absent.md"}, True),
    ("reference-inutilisee", {M: "Rien ici.\n\n[o]: ../outils/outil-absent.md"}, False),
    ("image", {M: "![Plan](../images/plan.png)", "images/plan.png": b"\x89PNG\r\n\x1a\n"}, False),
    ("image-absente", {M: "![Plan](../images/plan.png)"}, True),
    ("note-jamais-appelee", {M: "Du texte.\n\n[^1]: Une note."}, True),
    (
        "page-du-site",
        {"index.md": "# Accueil\n\n[Une méthode](methodes/methode-essai.md)"},
        False,
    ),
    (
        "page-du-site-cassee",
        {"index.md": "# Accueil\n\nVoir :\n\n[Une méthode](methodes/absente.md)"},
        True,
    ),
]


def nav_pages() -> list[str]:
    """The pages mkdocs.yml's nav names that the plugin does not generate."""
    found: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, str) and item.endswith(".md"):
            found.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(mkdocs_yml()["nav"])
    return [p for p in found if p not in pages.GENERATED]


def mkdocs_yml() -> dict[str, Any]:
    class Loader(yaml.SafeLoader):
        """mkdocs.yml's !ENV tags read as plain values."""

    Loader.add_constructor("!ENV", lambda loader, node: None)
    with (ROOT / "mkdocs.yml").open(encoding="utf-8") as f:
        return yaml.load(f, Loader)  # noqa: S506 - a SafeLoader


def lay_out(target: Path, files: dict[str, str | bytes]) -> None:
    shutil.copytree(BASE, target)
    for page in nav_pages():
        (target / page).parent.mkdir(parents=True, exist_ok=True)
        (target / page).write_text(f"# {page}\n", "utf-8")
    for rel, content in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif path.exists() and rel not in nav_pages():
            path.write_text(f"{path.read_text('utf-8')}\n{content}\n", "utf-8")
        else:
            path.write_text(content, "utf-8")


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_warnings(docs: Path, site: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The warnings of a real strict build, Terreau's link check left out."""
    real = terreau.site.build.build

    def without_links(*args: Any, **kwargs: Any) -> Any:
        catalogue = real(*args, **kwargs)
        catalogue.problems = [p for p in catalogue.problems if not p.code.startswith("LIEN_")]
        return catalogue

    monkeypatch.setattr(terreau.site.build, "build", without_links)
    handler = _Warnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        build_site(docs, site)
    except Abort:
        assert handler.messages, "strict mode stopped the build: a warning was expected"
    finally:
        logger.removeHandler(handler)
    return handler.messages


@pytest.mark.parametrize(("files", "broken"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_valider_says_what_the_build_says(
    files: dict[str, str | bytes],
    broken: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    docs = tmp_path / "docs"
    lay_out(docs, files)
    monkeypatch.chdir(tmp_path)
    code = main(["valider"])
    found = [line for line in capsys.readouterr().out.splitlines() if line]
    warnings = build_warnings(docs, tmp_path / "site", monkeypatch)
    # The base tree builds clean: every warning is about a link.
    assert all("link" in w or "anchor" in w for w in warnings), warnings
    assert (code == 1, bool(warnings)) == (broken, broken), (found, warnings)
    for line in found:  # each problem names the file and line of its link
        where, rest = line.split(": ", 1)
        path, number = where.rsplit(":", 1)
        assert rest.startswith(("LIEN_CASSE", "LIEN_ANCRE", "LIEN_ABSOLU")), line
        text = Path(path).read_text("utf-8").split("\n")[int(number) - 1]
        assert "](" in text or "]:" in text, (line, text)


def test_markdown_extensions_are_those_of_mkdocs_yml() -> None:
    assert mkdocs_yml()["markdown_extensions"] == links.MARKDOWN_EXTENSIONS


def test_markdown_is_set_up_as_mkdocs_sets_it_up() -> None:
    from mkdocs.config import load_config

    config = load_config(config_file=str(ROOT / "mkdocs.yml"))
    names, settings = links.extensions()
    assert config.markdown_extensions == names
    assert config.mdx_configs == settings


def test_generated_pages_and_data_files_exist_for_links(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(BASE, docs)
    targets = [*pages.GENERATED, *pages.data_files()]

    def body(suffix: str) -> str:
        return "\n\n".join(f"[x](../{uri}{suffix})" for uri in targets)

    assert links.check(docs, "docs/", {M: (body(""), 1)}) == []
    assert len(links.check(docs, "docs/", {M: (body("x"), 1)})) == len(targets)


def test_site_pages_and_broken_cards_are_checked_too(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(BASE, docs)
    (docs / "a-propos.md").write_text("title: À propos\n\n# À propos\n\n[x](absent.md)\n", "utf-8")
    broken = "---\ntype: methode\ntitre: [\n---\n\nTexte.\n\n[y](absente.md)\n"
    (docs / "methodes/cassee.md").write_text(broken, "utf-8")
    found = [(p.path, p.line, p.code) for p in links.check(docs, "docs/", {})]
    assert found == [("docs/a-propos.md", 5, "LIEN_CASSE"), ("docs/methodes/cassee.md", 8, "LIEN_CASSE")]


META = ["", "\nTexte", "a: 1\nb: 2\n\nTexte", "a: 1\n    suite\nTexte", "Texte\na: 1", "\n\n\nTexte"]
META += ["---\na: 1\n---\n\nTexte", "---\n- a\n---\nTexte", "---\na: [\n---\nTexte", "a: 1\npas ça\n\nTexte"]


@pytest.mark.parametrize("text", META)
def test_front_matter_is_dropped_as_mkdocs_drops_it(text: str) -> None:
    from mkdocs.utils.meta import get_data

    kept, dropped = links.strip_meta(text)
    assert kept == get_data(text)[0]
    assert text.split("\n")[dropped:][: len(kept.split("\n"))] == kept.split("\n")


# --- Random Markdown -------------------------------------------------------------------------

FRAGMENTS = [
    *("[a](../outils/outil-essai.md)", "[b](../outils/absent.md)", "![i](../images/x.png)"),
    *("![j](../images/y.png)", "[c](#premiere-etape)", "[c2](#titre)", "[c3](#titre_1)"),
    *("[d](../outils/outil-essai.md#absente)", "[d2](../outils/outil-essai.md#premiere-etape)"),
    *("[e](<../outils/outil-essai.md>)", '[f](../outils/outil-essai.md "titre")', "[g][r]"),
    *("[r]: ../outils/absent.md", "[r]: ../outils/outil-essai.md", "[h]", "[h]: absent.md"),
    *("`", "``", "```", "~~~", "    ", "> ", "- ", "1. ", "## Titre", "# Première étape", "[^1]"),
    *("[^1]: note", "[^2]:", "{#ancre}", "{: href=absent.md}", "{: #titre}", '<a href="absent.md">'),
    *("</a>", "<div>", "</div>", "!!! note", "??? note", "\\", "(", ")", "[", "]", "](", "&amp;"),
    *("[k](a\\_b.md)", "[l](https://x.org/a.md)", "[m](/abs.md)", "<https://x.org>", "<a@b.org>"),
    *("*", "|", "---", "[n](../outils/outil-essai.md?x=1#premiere-etape)", "[o](.)", "[p]()"),
    *("[q](#)", "Terme\n:   définition", "- [ ] tâche", "[s](../outils/outil%2Dessai.md)"),
    *("[t](../outils/outil-essai.md 'x')", "[u]( ../outils/absent.md )", "[v](a b.md)"),
    *('[w](../outils/outil-essai.md"x")', "*[HTML]: Hyper", "[TOC]", '[x]: <../outils/absent.md> "t"'),
    *("[y](../outils/(x).md)", "<!--", "-->", "    [z](absent.md)", "\t", "texte", '<a id="brut"></a>'),
    *("[c4](#brut)", "clé: valeur", "note: valeur", "---\na: 1\n---", "[c5](#fn:1)", "[c6](#fnref:1)"),
    *("[rr]: #titre", "[g2][rr]", "[`a`](absent.md)", "[c7](../outils/outil-essai.md#premiere-etape_1)"),
    *('<img src="absent.png">', "![](../outils/outil-essai.md)", "[z2](../outils/outil-essai.md#Titre)"),
    *("- [r]: ../outils/absent.md", "- [^1]: note", "1. [h]: absent.md", "> [^2]: note", "\n\n## Titre\n"),
]
markdown_texts = st.lists(
    st.tuples(st.sampled_from(FRAGMENTS), st.sampled_from(["", " ", "\n", "\n\n", "\n    ", "\n> "])),
    max_size=12,
).map(lambda parts: "".join(a + b for a, b in parts))


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = tmp_path_factory.mktemp("liens") / "docs"
    shutil.copytree(BASE, docs)
    (docs / O).write_text((docs / O).read_text("utf-8") + "\n## Première étape\n", "utf-8")
    (docs / "images").mkdir()
    (docs / "images/x.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return docs


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=markdown_texts)
def test_reading_first_finds_what_rendering_everything_finds(tree: Path, text: str) -> None:
    quick = links.check(tree, "", {M: (text, 1)})
    full = links.check(tree, "", {M: (text, 1)}, render_all=True)
    assert [p.format_text() for p in quick] == [p.format_text() for p in full]


@pytest.fixture(scope="module")
def mkdocs_pages(tree: Path) -> Any:
    """MkDocs' own page rendering and link validation on ``tree``, one text at a time."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, get_files
    from mkdocs.structure.pages import Page
    from mkdocs.utils.meta import get_data
    from terreau.core.catalogue import build

    config = load_config(config_file=str(ROOT / "mkdocs.yml"), docs_dir=str(tree))
    files = get_files(config)
    config.plugins._current_plugin = "terreau"  # File.generated asks who generates
    for uri, title in pages.GENERATED.items():
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, content=f"# {title}\n"))
    for uri in pages.data_files():
        files.append(File.generated(config, uri, content=""))
    catalogue = build(tree)

    def warnings(text: str) -> list[str]:
        handler = _Warnings()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(handler)
        try:
            for file in files.documentation_pages():
                page = file.page or Page(None, file, config)
                card = catalogue.by_path(file.src_uri)
                source = text if file.src_uri == M else card.body if card else file.content_string
                page.markdown = get_data(source)[0]
                page.render(config, files)
            for file in files.documentation_pages():
                assert file.page is not None
                file.page.validate_anchor_links(files=files, log_level=logging.WARNING)
        finally:
            logger.removeHandler(handler)
        return handler.messages

    return warnings


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=markdown_texts)
def test_random_markdown_gets_the_verdict_of_mkdocs(tree: Path, mkdocs_pages: Any, text: str) -> None:
    found = links.check(tree, "", {M: (text, 1)})
    assert bool(found) == bool(mkdocs_pages(text)), [p.format_text() for p in found]
