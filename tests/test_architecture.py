"""The layers are real: data flows one way, and the commons outlives its site generator.

core → derive → contribute → site → adapters (→ cli): a module never imports a layer above
its own. Everything but the adapters runs with MkDocs absent.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "tools/terreau"
RANK = {"core": 0, "derive": 1, "contribute": 2, "site": 3, "adapters": 4, "cli": 5}


def layer_of(module: str) -> str | None:
    """terreau.site.render → site; terreau.cli → cli; anything outside terreau → None."""
    parts = module.split(".")
    if parts[0] != "terreau" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in RANK else None


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return found


def test_no_module_imports_a_layer_above_its_own() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = "terreau." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        own = layer_of(module.removesuffix(".__init__"))
        if own is None:
            continue
        for line, target in imports(path):
            other = layer_of(target)
            if other is not None and RANK[other] > RANK[own]:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {own} importe {target}")
    assert wrong == []


def test_only_the_adapter_imports_mkdocs() -> None:
    users = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(t == "mkdocs" or t.startswith(("mkdocs.", "material")) for _l, t in imports(path))
    )
    assert users and all(u.startswith("adapters/mkdocs/") for u in users), users


GENERATOR_FREE = """
import importlib.abc, pkgutil, sys, tempfile
from pathlib import Path

class NoGenerator(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("mkdocs", "material"):
            raise ImportError(f"{name} is not available here")
        return None

sys.meta_path.insert(0, NoGenerator())
import terreau
for info in pkgutil.walk_packages(terreau.__path__, "terreau."):
    if not info.name.startswith(("terreau.adapters", "terreau.cli")):
        importlib.import_module(info.name)

from terreau.core.catalogue import build
from terreau.derive import export, finder
from terreau.site.render import environment
from terreau.site.views.cards import CardViews

catalogue = build(Path(sys.argv[1]))
assert not catalogue.problems, catalogue.problems
out = Path(tempfile.mkdtemp())
export.write(catalogue, out / "donnees")
finder.write(catalogue, out / "recherche")
renderer = CardViews(catalogue, environment(), "https://terreau.example.org/")
card = catalogue.cards["enquete-collective"]
assert "Enquête collective" in renderer.header(card) and renderer.footer(card)
assert (out / "donnees/fiches.json").stat().st_size > 0
assert not any(m.split(".")[0] in ("mkdocs", "material") for m in sys.modules), sorted(sys.modules)
print("ok")
"""


def test_the_commons_builds_its_data_and_views_with_no_site_generator() -> None:
    """core, derive, contribute and site run with MkDocs and mkdocs-material impossible to import."""
    result = subprocess.run(
        [sys.executable, "-c", GENERATOR_FREE, str(ROOT / "docs")], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-3000:]


def test_terreau_construire_builds_the_site_and_explains_a_refusal(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from terreau.cli import main

    config = str(ROOT / "mkdocs.yml")
    assert main(["construire", "--config", config, "--dossier", str(tmp_path / "site")]) == 0
    page = tmp_path / "site/methodes/enquete-collective.html"
    assert page.is_file() and (tmp_path / "site/recherche.html").is_file()
    # Not for publication: neither PDFs nor the offline archive, and no link to a missing zip.
    assert not list((tmp_path / "site").rglob("*.pdf"))
    assert not list((tmp_path / "site").rglob("*.zip"))
    assert "terreau-hors-ligne.zip" not in page.read_text("utf-8")
    assert "Site construit" in capsys.readouterr().err
    published = tmp_path / "publie"
    assert (
        main(["construire", "--config", config, "--publication", "--sans-pdf", "--dossier", str(published)])
        == 0
    )
    assert (published / "terreau-hors-ligne.zip").is_file()
    assert len(list(published.glob("*.zip"))) == 11  # the whole, 5 axes, 5 kinds (issue 18)
    assert "hors-ligne.html" in (published / "methodes/enquete-collective.html").read_text("utf-8")
    assert "terreau-hors-ligne.zip" in (published / "hors-ligne.html").read_text("utf-8")
    (docs / "methodes/environ.txt").symlink_to("/proc/self/environ")
    assert main(["construire", "--config", config, "--sans-pdf", "--dossier", str(tmp_path / "autre")]) == 1
    err = capsys.readouterr().err
    assert "methodes/environ.txt:1: FICHIER_LIEN un lien symbolique n'est pas accepté" in err
    assert "la construction a échoué" in err and "Traceback" not in err
