"""Every error code has a failing fixture that produces exactly that code, at that line.

Each folder of tests/fixtures/erreurs/ is named after a code and holds files laid over a
copy of tests/fixtures/base/ (a small valid tree), plus attendu.txt: the exact output of
`terreau valider`; for the codes of cards received by e-mail, the folder also holds
courriel.eml (or courriel.eml.gz), a saved message given to `terreau importer-courriel`, and
attendu.txt is that command's output. A file ending in .gz is unpacked first (for the size
limit). A file ending in .special describes, in JSON, what git cannot hold or what must not
sit in the repository: ``{"type": "lien", "cible": "/etc/passwd"}`` (a symbolic link),
``{"type": "tube"}`` (a FIFO), ``{"type": "nom-brut", "nom": "<hex>"}`` (a file whose name
is these bytes). To rewrite the expected outputs after a deliberate change of wording:

    TERREAU_REGENERER=1 .venv/bin/python -m pytest tests/test_codes_erreur.py
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from markupsafe import escape
from terreau.cli import main
from terreau.core.models import MODELS
from terreau.core.problems import CATALOGUE

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.name for p in (FIXTURES / "erreurs").iterdir() if p.is_dir())
MAIL = "courriel.eml"
# A problem line of importer-courriel: « courriel.eml, message 1:1: CODE … ».
MAIL_PROBLEM = re.compile(r"^courriel\.eml, message \d+(?:, fiche \d+)?:\d+: ")


def lay_out(case: str, target: Path) -> None:
    shutil.copytree(FIXTURES / "base", target)
    source = FIXTURES / "erreurs" / case
    for path in sorted(source.rglob("*")):
        if path.is_dir() or path.name == "attendu.txt" or path.name.startswith(MAIL):
            continue
        rel = path.relative_to(source)
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".gz":
            dest.with_suffix("").write_bytes(gzip.decompress(path.read_bytes()))
        elif path.suffix == ".special":
            make_special(dest.with_suffix(""), json.loads(path.read_text("utf-8")))
        else:
            dest.write_bytes(path.read_bytes())


def make_special(dest: Path, spec: dict[str, str]) -> None:
    if spec["type"] == "lien":
        dest.symlink_to(spec["cible"])
    elif spec["type"] == "tube":
        os.mkfifo(dest)
    elif spec["type"] == "nom-brut":
        name = os.fsencode(dest.parent) + b"/" + bytes.fromhex(spec["nom"])
        with open(name, "wb") as f:
            f.write(b"---\ntype: methode\n---\n")
    else:
        raise ValueError(spec)


@pytest.mark.parametrize("case", CASES)
def test_fixture_gives_its_code_at_the_expected_line(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lay_out(case, tmp_path / "docs")
    monkeypatch.chdir(tmp_path)
    mails = sorted((FIXTURES / "erreurs" / case).glob(f"{MAIL}*"))
    if mails:
        data = mails[0].read_bytes()
        (tmp_path / MAIL).write_bytes(gzip.decompress(data) if mails[0].suffix == ".gz" else data)
        code = main(["importer-courriel", MAIL])
    else:
        code = main(["valider"])
    out = capsys.readouterr().out
    expected_file = FIXTURES / "erreurs" / case / "attendu.txt"
    if os.environ.get("TERREAU_REGENERER"):
        expected_file.write_text(out, "utf-8")
    assert code == (1 if CATALOGUE[case].is_error else 0)  # a warning never blocks
    assert out == expected_file.read_text("utf-8")
    lines = [line for line in out.splitlines() if not mails or MAIL_PROBLEM.match(line)]
    assert lines
    codes = {line.split(": ", 1)[1].split(" ", 1)[0] for line in lines}
    assert codes == {case}


def test_every_code_has_a_fixture() -> None:
    assert set(CASES) == set(CATALOGUE)


def test_every_code_is_documented_on_the_contributor_page(site: Path) -> None:
    page = (site / "contribuer/reference.html").read_text("utf-8")
    for code, entry in CATALOGUE.items():
        assert entry.title and entry.message and entry.hint, code
        assert f'id="terreau-erreur-{code.lower()}"' in page, code


def test_every_field_of_every_kind_is_on_the_contributor_page(site: Path) -> None:
    page = (site / "contribuer/reference.html").read_text("utf-8")
    for kind, model in MODELS.items():
        assert f'id="terreau-ref-{kind}"' in page
        for name, info in model.model_fields.items():
            assert f"<code>{name}</code>" in page, (kind, name)
            assert str(escape(info.description or "")) in page, (kind, name)
