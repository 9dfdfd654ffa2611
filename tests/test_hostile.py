"""Hostile contributions are refused or rendered inert: no dialog, no script, whatever was written.

Each payload of tests/fixtures/hostile/charges.txt goes into a card's title, summary,
keywords and body (as a block, inline and in a list), and into a feedback record's fields.
The site is built for real and every hostile page is opened in chromium.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, _Quiet, build_site
from terreau.catalogue import build
from terreau.errors import CATALOGUE

pytestmark = pytest.mark.browser

PAYLOADS = [
    line
    for line in (ROOT / "tests/fixtures/hostile/charges.txt").read_text("utf-8").splitlines()
    if line.strip()
]


def card(i: int, payload: str) -> str:
    q = json.dumps  # a JSON string is a valid YAML double-quoted scalar
    return (
        "---\ntype: methode\n"
        f"titre: {q(payload[:120])}\nresume: {q(payload[:400])}\n"
        "besoins: [mobiliser]\nporteurs: [association]\npublics: [tout-public]\n"
        "duree: {min: 1, unite: jour}\ncout: nul\ndifficulte: facile\nmaturite: idee\n"
        f"compostabilite: {q(payload)}\nmots_cles: [{q(payload)}]\n"
        f"etapes:\n  - titre: {q(payload[:200])}\n    description: {q(payload)}\n"
        f"sources:\n  - titre: {q(payload)}\n"
        f"---\n\n## Charge {i}\n\n{payload}\n\nEn ligne : {payload} fin.\n\n- {payload}\n"
    )


def feedback(payload: str) -> str:
    q = json.dumps
    return (
        "---\ntype: retour\n"
        f"titre: {q(payload[:120])}\nresume: {q(payload[:400])}\n"
        f"lieu:\n  nom: {q(payload)}\n  intercommunalite: {q(payload)}\n"
        "periode: {debut: 2021}\n"
        f"structure_porteuse: {q(payload)}\nfiches: [enquete-collective]\n"
        f"ce_qui_a_marche: [{q(payload)}]\ndifficultes: [{q(payload)}]\n"
        f"adaptations: [{q(payload)}]\nverification: a-verifier\n"
        f"grille: {{mobilisation: 1, diversite: 1, cooperation: 1, connaissance: 1, action: 1, "
        f"perennite: 1, commentaire: {q(payload)}}}\n"
        f"sources:\n  - titre: {q(payload)}\n---\n\n{payload}\n"
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str], list]]:
    """The shipped docs plus hostile cards: (server URL, pages built, problems found)."""
    root = tmp_path_factory.mktemp("hostile")
    docs = root / "docs"
    shutil.copytree(ROOT / "docs", docs)
    for i, payload in enumerate(PAYLOADS):
        (docs / f"methodes/hostile-{i:02d}.md").write_text(card(i, payload), "utf-8")
        (docs / f"retours/hostile-retour-{i:02d}.md").write_text(feedback(payload), "utf-8")
    (docs / "retours/hostile-url.md").write_text(
        feedback("lien").replace('  - titre: "lien"\n', '  - titre: "x"\n    url: "javascript:alert(1)"\n'),
        "utf-8",
    )
    catalogue = build(docs)
    for p in catalogue.problems:  # refused cards leave the build; the rest must be inert
        (docs / Path(p.path).relative_to("docs") if p.path.startswith("docs/") else Path(p.path)).unlink(
            missing_ok=True
        )
    pages = sorted(c.url for c in build(docs).cards.values() if c.id.startswith("hostile"))
    build_site(docs, root / "site")
    handler = functools.partial(_Quiet, directory=str(root / "site"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", pages, catalogue.problems
    httpd.shutdown()


def test_there_are_at_least_forty_payloads() -> None:
    assert len(PAYLOADS) >= 40


def test_refused_cards_get_catalogued_errors(hostile) -> None:  # type: ignore[no-untyped-def]
    _, pages, problems = hostile
    assert all(p.code in CATALOGUE for p in problems)
    # A javascript: source address is refused by the validator, with its line.
    assert any(p.path.endswith("hostile-url.md") and p.field == "sources[1].url" for p in problems)
    assert len(pages) >= 2 * len(PAYLOADS) - 5  # almost every payload reaches a built page


INERT_CHECK = (ROOT / "tests/js/inerte.js").read_text("utf-8")


def test_no_hostile_page_opens_a_dialog_or_runs_a_script(hostile, page) -> None:  # type: ignore[no-untyped-def]
    server, pages, _ = hostile
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
    server, pages, _ = hostile
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
    server, _, _ = hostile
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "recherche.html?q=alert")
    page.wait_for_selector("#terreau-recherche-resultats li a")
    assert page.locator("#terreau-recherche-resultats li").count() >= 10
    assert page.evaluate("() => document.querySelectorAll('#terreau-recherche-resultats img').length") == 0
    assert dialogs == []
