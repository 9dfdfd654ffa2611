"""Hostile contributions are refused or rendered inert: no dialog, no script, whatever was written.

Each payload of tests/fixtures/hostile/charges.txt goes into a card's title, summary,
keywords and body (as a block, inline and in a list), and into a feedback record's fields.
The site is built for real and every hostile page is opened in chromium.

charges.txt holds one payload per line, published as written unless the line starts with
« json: »: then it is a JSON object whose « charge » is the payload (escapes allowed: a
control character cannot be written raw in a file read line by line), « refus » the codes
a card carrying it must get, and « corps » the codes it must get in the body alone (a card
with only its body hostile is built too, so that a payload refused in a title is still
tried in a page when the body accepts it).
"""

from __future__ import annotations

import csv
import functools
import http.server
import io
import json
import shutil
import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest
from conftest import ROOT, _Quiet, build_site
from terreau.core.catalogue import build
from terreau.core.problems import CATALOGUE

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Payload:
    text: str
    kind: str = ""  # for a « json: » line, its « classe »
    refused: frozenset[str] = frozenset()  # codes of a card carrying it everywhere
    body_refused: frozenset[str] = frozenset()  # codes of a card carrying it in its body only


def _payload(line: str) -> Payload:
    if not line.startswith("json:"):
        return Payload(line)
    data = json.loads(line.removeprefix("json:"))
    return Payload(data["charge"], data["classe"], frozenset(data["refus"]), frozenset(data["corps"]))


HOSTILE = [
    _payload(line)
    # split("\n"), not splitlines(): the latter also breaks at U+2028, U+0085, U+001C…
    for line in (ROOT / "tests/fixtures/hostile/charges.txt").read_text("utf-8").split("\n")
    if line.strip()
]
PAYLOADS = [p.text for p in HOSTILE]


def card(i: int, payload: str, front: str | None = None) -> str:
    """A method card with ``payload`` in its body, and in every text field (or ``front``)."""
    # A JSON string is a valid YAML double-quoted scalar (written with ensure_ascii=True, an
    # emoji would become a surrogate pair of escapes, which YAML refuses).
    q = functools.partial(json.dumps, ensure_ascii=False)
    f = payload if front is None else front
    return (
        "---\ntype: methode\n"
        f"titre: {q(f[:120])}\nresume: {q(f[:400])}\n"
        "besoins: [mobiliser]\nporteurs: [association]\npublics: [tout-public]\n"
        "duree: {min: 1, unite: jour}\ncout: nul\ndifficulte: facile\nmaturite: idee\n"
        f"compostabilite: {q(f)}\nmots_cles: [{q(f)}]\n"
        f"etapes:\n  - titre: {q(f[:200])}\n    description: {q(f)}\n"
        f"sources:\n  - titre: {q(f)}\n"
        f"---\n\n## Charge {i}\n\n{payload}\n\nEn ligne : {payload} fin.\n\n- {payload}\n"
    )


def feedback(payload: str) -> str:
    q = functools.partial(json.dumps, ensure_ascii=False)
    return (
        "---\ntype: retour\n"
        f"titre: {q(payload[:120])}\nresume: {q(payload[:400])}\n"
        f"lieu:\n  nom: {q(payload)}\n  intercommunalite: {q(payload)}\n"
        "periode: {debut: 2021}\n"
        f"structure_porteuse: {q(payload)}\nfiches: [enquete-collective]\n"
        f"ce_qui_a_marche: [{q(payload)}]\ndifficultes: [{q(payload)}]\n"
        f"adaptations: [{q(payload)}]\nverification: a-verifier\n"
        f"grille: {{mobilisation: 1, diversite: 1, cooperation: 1, connaissance: 1, action: 1, "
        f"perennite: 1, rempli_par: {q(payload)}, commentaire: {q(payload)}}}\n"
        f"sources:\n  - titre: {q(payload)}\n---\n\n{payload}\n"
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str], list, Path]]:
    """The shipped docs plus hostile cards: (server URL, pages built, problems found, site)."""
    root = tmp_path_factory.mktemp("hostile")
    docs = root / "docs"
    shutil.copytree(ROOT / "docs", docs)
    for i, payload in enumerate(HOSTILE):
        (docs / f"methodes/hostile-{i:02d}.md").write_text(card(i, payload.text), "utf-8")
        (docs / f"retours/hostile-retour-{i:02d}.md").write_text(feedback(payload.text), "utf-8")
        if payload.refused:
            body_only = card(i, payload.text, front=f"Charge {i} dans le texte seulement")
            (docs / f"methodes/hostile-corps-{i:02d}.md").write_text(body_only, "utf-8")
    (docs / "retours/hostile-url.md").write_text(
        feedback("lien").replace('  - titre: "lien"\n', '  - titre: "x"\n    url: "javascript:alert(1)"\n'),
        "utf-8",
    )
    catalogue = build(docs)
    for p in catalogue.errors:  # refused cards leave the build; the rest must be inert
        (docs / Path(p.path).relative_to("docs") if p.path.startswith("docs/") else Path(p.path)).unlink(
            missing_ok=True
        )
    pages = sorted(c.url for c in build(docs).cards.values() if c.id.startswith("hostile"))
    build_site(docs, root / "site")
    handler = functools.partial(_Quiet, directory=str(root / "site"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", pages, catalogue.problems, root / "site"
    httpd.shutdown()


def test_every_class_of_hostile_input_is_in_the_corpus() -> None:
    """Script and markup payloads, and each class of character the hygiene rule refuses, are
    each carried by a card (and each refused class with the codes it must get)."""
    classes = {p.kind for p in HOSTILE}
    assert {"", "html", "csv", "contrôle", "bidi", "invisible"} <= classes
    assert all(p.refused for p in HOSTILE if p.kind in ("contrôle", "bidi", "invisible"))
    # The usual weapons of stored XSS, so that « inert » is proven on each.
    for needle in ("<script", "onerror=", "javascript:", "<svg", "<iframe", "{{", "--8<--"):
        assert any(needle in p.text.lower() for p in HOSTILE), needle


def test_each_payload_is_published_or_refused_with_its_codes(hostile) -> None:  # type: ignore[no-untyped-def]
    _, pages, problems, _ = hostile
    assert all(p.code in CATALOGUE for p in problems)
    codes: dict[str, set[str]] = defaultdict(set)
    for p in problems:
        if p.code != "FICHES_PROCHES":  # the hostile cards share one template, by design
            codes[PurePosixPath(p.path).stem].add(p.code)
    # A javascript: source address is refused by the validator, with its line.
    assert [(p.code, p.field) for p in problems if p.path.endswith("hostile-url.md")] == [
        ("VALEUR", "sources[1].url")
    ]
    checked = 0
    for i, payload in enumerate(HOSTILE):
        cases = [
            (f"methodes/hostile-{i:02d}", payload.refused),
            (f"retours/hostile-retour-{i:02d}", payload.refused),
        ]
        if payload.refused:
            cases.append((f"methodes/hostile-corps-{i:02d}", payload.body_refused))
        for name, expected in cases:
            # Published (and opened in chromium below), or refused with exactly these codes.
            assert codes.get(PurePosixPath(name).name, set()) == expected, (name, payload.text)
            assert (f"{name}.html" in pages) == (not expected), (name, payload.text)
            checked += 1
    assert checked == len(codes) - 1 + len(pages)  # every hostile card is one of the cases


def test_hostile_exports_have_one_row_per_card_and_no_formula(hostile) -> None:  # type: ignore[no-untyped-def]
    _, pages, _, site = hostile
    text = (site / "donnees/fiches.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    records = json.loads((site / "donnees/fiches.json").read_text("utf-8"))
    assert len(rows) == len(records) + 1
    assert sum(1 for r in rows if r[0].startswith("hostile")) == len(pages)
    for row in rows:
        for cell in row:
            for line in cell.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
                assert not line.startswith(("=", "+", "-", "@", "\t")), cell


INERT_CHECK = (ROOT / "tests/js/inerte.js").read_text("utf-8")


def test_no_hostile_page_opens_a_dialog_or_runs_a_script(hostile, page) -> None:  # type: ignore[no-untyped-def]
    server, pages, _, _ = hostile
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for url in pages:
        page.goto(server + url)
        page.mouse.move(300, 300)
        page.keyboard.press("Tab")
        assert page.evaluate("() => window.__terreau_pwned") is None, url
        assert page.evaluate(INERT_CHECK) == [], url
    assert dialogs == []


def test_snippets_and_templates_are_not_reachable(hostile, page) -> None:  # type: ignore[no-untyped-def]
    server, pages, _, _ = hostile
    texts = []
    for i, payload in enumerate(PAYLOADS):
        if "--8<--" in payload or "{{" in payload:
            page.goto(server + f"methodes/hostile-{i:02d}.html")
            texts.append(page.locator("article").inner_text())
    assert len(texts) == 2
    assert all("root:" not in t for t in texts)
    assert '--8<-- "/etc/passwd"' in texts[1] or '--8<-- "/etc/passwd"' in texts[0]
    assert any("{{ config }}" in t for t in texts)


def test_search_results_show_hostile_titles_as_text(hostile, page) -> None:  # type: ignore[no-untyped-def]
    server, _, _, _ = hostile
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "recherche.html?q=alert")
    page.wait_for_selector("#terreau-recherche-resultats li a")
    assert page.locator("#terreau-recherche-resultats li").count() >= 10
    assert page.evaluate("() => document.querySelectorAll('#terreau-recherche-resultats img').length") == 0
    assert dialogs == []
