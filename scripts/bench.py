#!/usr/bin/env python3
"""Benchmark: Terreau against plain mkdocs-material, in the same run, on the same pages.

Usage: .venv/bin/python scripts/bench.py [TAILLE ...] [--pdf-jusqua N] [--sortie FICHIER]
       [--fois N] [--lighthouse]

For each size (default 100 1000 5000) it generates a corpus (scripts/generer_corpus.py),
builds it with mkdocs-material and its own search plugin (the baseline: same theme, same
navigation, no Terreau plugin) and with Terreau, and measures: build time and peak memory
(and their ratio), validation time, search index build time, bytes downloaded before the
first search result (gzip), HTML bytes per card page, site size, rebuild after a one-card
change, Git attribution time, and the time to the first result in headless chromium with a
4x CPU slowdown (median of five first visits). With --fois N, each side is built N times,
alternately, and the median times kept; with --lighthouse, the Lighthouse scores of a card
page and of the finder. Memory is that of the whole process tree (Terreau's build uses child
processes), the largest over the runs. It prints a Markdown table and writes the figures as
JSON.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tools"))
from generer_corpus import generate  # noqa: E402
from terreau.core import attribution  # noqa: E402
from terreau.core.catalogue import build  # noqa: E402
from terreau.derive import finder, search_index  # noqa: E402

VENV = ROOT / ".venv/bin"
TEXT = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv")
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
QUERY = "energie"
STUBS = {  # pages Terreau generates, written as plain pages for the baseline's navigation
    "methodes/index.md": "Méthodes",
    "outils/index.md": "Fiches outils",
    "actions/index.md": "Fiches actions",
    "retours/index.md": "Retours d'expérience",
    "parcours/index.md": "Parcours",
    "axes/index.md": "Les cinq axes",
    "contribuer/reference.md": "Référence des fiches",
    "contribuer/a-relire.md": "Fiches à relire",
}


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall time (s) and peak memory (MB) of a command and all its child processes.

    Memory is the largest sum of the resident sizes of the process tree, sampled every
    0.1 s (pages a forked child shares with its parent count twice: an upper bound), or
    GNU time's peak for the command itself if that is larger. PEAK_PSS_MB gets the largest
    sum of proportional sizes (PSS: a page shared by n processes counts 1/n in each), the
    memory the tree really holds.
    """
    start = time.perf_counter()
    process = subprocess.Popen(
        ["/usr/bin/time", "-f", "%e %M", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    peak = peak_pss = 0
    while process.poll() is None:
        rss, pss = tree_memory_kb(process.pid)
        peak, peak_pss = max(peak, rss), max(peak_pss, pss)
        time.sleep(0.1)
    PEAK_PSS_MB[0] = peak_pss // 1024
    wall = time.perf_counter() - start
    stderr = process.stderr.read() if process.stderr else ""
    if process.returncode != 0:
        raise RuntimeError(stderr[-2000:])
    _wall, rss = stderr.strip().splitlines()[-1].split()
    return round(wall, 2), max(peak, int(rss)) // 1024


PEAK_PSS_MB = [0]  # of the last timed() command


def children() -> dict[int, list[int]]:
    """Each running process's children (Linux /proc): parent → child pids."""
    found: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # ended meanwhile
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            found.setdefault(parent, []).append(int(entry.name))
    return found


def tree_memory_kb(pid: int) -> tuple[int, int]:
    """Memory (KB) of a process and its descendants, from /proc: resident (RSS, a page shared
    by several processes counted in each) and proportional (PSS, shared pages divided among
    the processes sharing them)."""
    tree = children()
    rss = pss = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        todo += tree.get(current, [])
        rss += _kb(Path(f"/proc/{current}/status"), "VmRSS")
        pss += _kb(Path(f"/proc/{current}/smaps_rollup"), "Pss")
    return rss, pss


def _kb(path: Path, field: str) -> int:
    """A « field:  N kB » line of a /proc file; 0 if the process ended meanwhile."""
    try:
        found = re.search(rf"^{field}:\s+(\d+)", path.read_text(), re.M)
    except OSError:
        return 0
    return int(found.group(1)) if found else 0


def project(base: Path, size: int) -> tuple[Path, Path]:
    """A Terreau project and a baseline project on the same generated pages."""
    terreau = base / "terreau"
    # The real corpus (its pages link to its cards), completed to the size by generated cards.
    real = [p for p in (ROOT / "docs").rglob("*.md") if p.parent.name != "axes" and p.parent != ROOT / "docs"]
    generate(terreau / "docs", size - len(real), 900, 1)
    for page in (ROOT / "docs").rglob("*"):
        target = terreau / "docs" / page.relative_to(ROOT / "docs")
        if page.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(page, target)
    config = (ROOT / "mkdocs.yml").read_text("utf-8").replace("strict: true", "strict: false")
    (terreau / "mkdocs.yml").write_text(config, "utf-8")
    baseline = base / "baseline"
    shutil.copytree(terreau / "docs", baseline / "docs")
    for rel, title in STUBS.items():
        (baseline / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (baseline / "docs" / rel).write_text(f"# {title}\n", "utf-8")
    plain = re.sub(r"plugins:\n(?:  .*\n|      .*\n)+", "plugins:\n  - search:\n      lang: fr\n", config)
    (baseline / "mkdocs.yml").write_text(plain, "utf-8")
    return terreau, baseline


def site_size(site: Path) -> int:
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file())


def card_html(site: Path, cards: list) -> int:
    sizes = [(site / c.url).stat().st_size for c in cards if (site / c.url).exists()]
    return sum(sizes) // max(1, len(sizes))


def terreau_first_result_bytes(site: Path, docs: Path) -> tuple[int, int]:
    """Search data + code a visitor downloads before the first result (gzip), and the data only."""
    catalogue = build(docs)
    cards, starts, shards = finder.search_data(catalogue)
    index = search_index.ShardedIndex(starts, [json.loads(s) for s in shards])
    data = site / "assets/terreau/recherche"
    files = [data / "facettes.js"]
    top = [pos for pos, _ in index.search(QUERY)[: finder.FIRST]]
    loaded = sorted({k for c in search_index.query_clauses(QUERY) for k in search_index.shards_of(starts, c)})
    files += [data / f"index-{k}.js" for k in loaded]
    # The shards carry the title of their terms' best cards: the first results show without
    # the card chunks (whose summaries follow), unless a result is not among them.
    untitled = [p for p in top if not any(p in index.shards[k].rows for k in loaded)]
    files += [data / f"fiches-{k}.js" for k in sorted({p // finder.CHUNK for p in untitled})]
    code = [
        site / "assets/terreau" / n
        for n in (
            "md-base.js",  # the head script, which starts the search page's search
            "terreau.js",
            "moteur.js",
            "lunr/lunr-fr.js",
        )
    ]
    data_bytes = sum(gz(f.read_bytes()) for f in files)
    return data_bytes + sum(gz(f.read_bytes()) for f in code), data_bytes


def baseline_first_result_bytes(site: Path) -> tuple[int, int]:
    index = site / "search/search_index.json"
    worker = next((site / "assets/javascripts/workers").glob("search.*.min.js"))
    languages = [
        site / "assets/javascripts/lunr/min" / n
        for n in ("lunr.stemmer.support.min.js", "lunr.fr.min.js", "lunr.multi.min.js")
    ]
    data_bytes = gz(index.read_bytes())
    return data_bytes + sum(gz(f.read_bytes()) for f in [worker, *languages] if f.exists()), data_bytes


def browser_figures(site: Path) -> dict[str, float]:
    """Time to the first result with a 4x CPU slowdown, and a card page's weight (gzip)."""
    from playwright.sync_api import sync_playwright

    figures: dict[str, float] = {}
    with served(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        times = []
        for _ in range(5):  # the median of five first visits (empty cache each time)
            context = browser.new_context()
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            start = time.perf_counter()
            # Until the results are said, not until the load event: the results now come
            # before it (the head script starts the search while the page is read), and
            # goto's default wait measured the load event instead (about 0.2 s later).
            page.goto(url + f"recherche.html?q={QUERY}", wait_until="commit")
            page.wait_for_function(
                f"() => (document.getElementById('terreau-recherche-etat') || {{}}).textContent"
                f"?.includes('« {QUERY} »')",
                timeout=120_000,
            )
            times.append(time.perf_counter() - start)
            context.close()
        figures["premier_resultat_s"] = round(statistics.median(times), 2)
        page = browser.new_page()
        sizes: list[int] = []
        page.on("response", lambda r: sizes.append(gz(r.body())) if r.ok else None)
        card = next((site / "methodes").glob("methode-*.html"))
        page.goto(url + f"methodes/{card.name}")
        page.wait_for_load_state("networkidle")
        figures["page_fiche_gz_ko"] = round(sum(sizes) / 1024, 1)
        browser.close()
    return figures


@contextlib.contextmanager
def served(site: Path) -> Iterator[str]:
    """The site over HTTP on 127.0.0.1, text compressed with gzip as static hosts do (GitHub
    and GitLab Pages, any web server); yields its address."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def send_head(self):  # type: ignore[no-untyped-def]
            path = Path(self.translate_path(self.path))
            accepts = "gzip" in self.headers.get("Accept-Encoding", "")
            if not (accepts and path.is_file() and path.suffix in TEXT):
                return super().send_head()
            data = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            return io.BytesIO(data)

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
            if not isinstance(sys.exc_info()[1], ConnectionError):  # a page closed mid-answer
                super().handle_error(request, client_address)

    handler = functools.partial(Quiet, directory=str(site))
    httpd = Server(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


LIGHTHOUSE = "lighthouse@12.8.2"  # the last release that runs on Debian's node 20


def lighthouse_scores(site: Path, pages: dict[str, str] | None = None) -> dict[str, float]:
    """Lighthouse (mobile defaults: simulated slow 4G and 4x CPU) on ``pages`` (name → address
    in the site; by default a card page and the finder), served on 127.0.0.1, run with
    Debian's chromium. Installed by npm on first use into .cache/banc (not a test dependency)."""
    tool = ROOT / ".cache/banc/lighthouse"
    binary = tool / "node_modules/.bin/lighthouse"
    if not binary.exists():
        subprocess.run(
            ["npm", "install", "--prefix", str(tool), "--no-audit", "--no-fund", LIGHTHOUSE],
            check=True,
            capture_output=True,
        )
    if pages is None:
        card = next((site / "methodes").glob("methode-*.html"))
        pages = {"fiche": f"methodes/{card.name}", "recherche": f"recherche.html?q={QUERY}"}
    with served(site) as url:
        scores: dict[str, float] = {}
        for name, path in pages.items():
            out = subprocess.run(
                [
                    str(binary),
                    url + path,
                    "--output=json",
                    "--output-path=stdout",
                    "--quiet",
                    "--only-categories=performance,accessibility",
                    "--chrome-flags=" + " ".join(BROWSER_ARGS),
                ],
                capture_output=True,
                text=True,
                env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
                check=True,
            )
            report = json.loads(out.stdout)
            for category in ("performance", "accessibility"):
                scores[f"lighthouse_{name}_{category}"] = report["categories"][category]["score"]
    return scores


def attribution_time(docs: Path) -> float:
    """Commit the corpus in 20 batches, then time one read of the whole history."""
    repo = docs.parent
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Banc d'essai",
        "GIT_AUTHOR_EMAIL": "banc@invalid",
        "GIT_COMMITTER_NAME": "Banc d'essai",
        "GIT_COMMITTER_EMAIL": "banc@invalid",
    }
    run = functools.partial(subprocess.run, cwd=repo, check=True, capture_output=True, env=env)
    run(["git", "init", "-q", "-b", "main"])
    files = sorted(p.relative_to(repo).as_posix() for p in docs.rglob("*.md"))
    for i in range(20):
        batch = files[i::20]
        if batch:
            run(["git", "add", *batch])
            run(["git", "commit", "-q", "-m", f"Lot {i}"])
    start = time.perf_counter()
    history = attribution.read(repo, "docs")
    elapsed = time.perf_counter() - start
    assert len(history.files) >= len(files) * 0.9
    return round(elapsed, 2)


def refreshing(parent: int) -> bool:
    """Whether the preview ``parent`` has a background refresh running (Linux /proc)."""
    for child in children().get(parent, []):
        with contextlib.suppress(OSError):  # ended meanwhile
            if b"terreau.site.derived" in Path(f"/proc/{child}/cmdline").read_bytes():
                return True
    return False


def preview_latency(project_dir: Path, env: dict[str, str]) -> float:
    """``mkdocs serve --dirty`` (what ./scripts/servir runs) on the project: after its first
    build, one card gets a new sentence; seconds until the served page shows it."""
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [
        str(VENV / "mkdocs"),
        "serve",
        "--dirty",
        "--no-strict",
        "-q",
        "-f",
        str(project_dir / "mkdocs.yml"),
    ]
    command += ["-a", f"127.0.0.1:{port}"]  # live reload on: it is what watches the files
    process = subprocess.Popen(
        command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    card = sorted((project_dir / "docs/outils").glob("*.md"))[1]
    address = f"http://127.0.0.1:{port}/outils/{card.stem}.html"

    def page() -> str:
        try:
            with urllib.request.urlopen(address, timeout=5) as answer:
                return answer.read().decode("utf-8")
        except OSError:
            return ""

    try:
        deadline = time.monotonic() + 1800
        while "<h1" not in page():  # the first build
            if time.monotonic() > deadline or process.poll() is not None:
                return float("nan")
            time.sleep(0.5)
        # A contributor saves a card while the preview is at rest: its first build's
        # background refresh (the search of the whole commons, about ten seconds at 5,000
        # cards) is over, and the watcher is settled.
        while refreshing(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)
        mark = f"Phrase témoin {int(time.time())}"
        card.write_text(card.read_text("utf-8") + f"\n{mark}\n", "utf-8")
        start = time.perf_counter()
        while mark not in page():
            if time.perf_counter() - start > 600:
                return float("nan")
            time.sleep(0.05)
        return round(time.perf_counter() - start, 2)
    finally:
        process.terminate()
        process.wait(timeout=30)


def measure(size: int, base: Path, pdf_up_to: int, lighthouse: bool, times: int) -> dict[str, float]:
    terreau, baseline = project(base, size)
    env = {"TERREAU_PDF": "false", "TERREAU_CACHE": str(base / "cache"), "NO_MKDOCS_2_WARNING": "1"}
    row: dict[str, float] = {"fiches": size}
    mkdocs_build = [str(VENV / "mkdocs"), "build", "-q", "-f"]
    runs, pss = [], []
    for _ in range(times):  # alternately, so that both see the same machine
        base_run = timed([*mkdocs_build, str(baseline / "mkdocs.yml"), "-d", str(base / "site-base")], env)
        terreau_run = timed([*mkdocs_build, str(terreau / "mkdocs.yml"), "-d", str(base / "site")], env)
        pss.append(PEAK_PSS_MB[0])
        runs.append((base_run, terreau_run))
    row["base_construction_s"] = round(statistics.median(r[0][0] for r in runs), 2)
    row["base_memoire_mo"] = max(r[0][1] for r in runs)
    row["construction_s"] = round(statistics.median(r[1][0] for r in runs), 2)
    row["memoire_mo"] = max(r[1][1] for r in runs)
    row["memoire_pss_mo"] = max(pss)
    row["ratio_temps"] = round(row["construction_s"] / row["base_construction_s"], 2)
    # The first Terreau build starts with an empty cache (no card checked or rendered yet);
    # the next ones find every card in it (a build after no change, or a CI cache restored).
    row["construction_froide_s"] = round(runs[0][1][0], 2)
    row["ratio_froid"] = round(row["construction_froide_s"] / row["base_construction_s"], 2)
    if len(runs) > 1:
        row["construction_chaude_s"] = round(statistics.median(r[1][0] for r in runs[1:]), 2)
        row["ratio_chaud"] = round(row["construction_chaude_s"] / row["base_construction_s"], 2)
    row["ratio_memoire"] = round(row["memoire_mo"] / row["base_memoire_mo"], 2)
    # For publication (offline archive; PDFs are measured with the rebuild below), cold cache.
    shutil.rmtree(base / "cache", ignore_errors=True)
    published = {**env, "TERREAU_PUBLICATION": "true"}
    row["publication_s"], row["publication_memoire_mo"] = timed(
        [*mkdocs_build, str(terreau / "mkdocs.yml"), "-d", str(base / "site-publie")], published
    )
    row["publication_s"] = round(row["publication_s"], 2)
    archive_bytes = (base / "site-publie/terreau-hors-ligne.zip").stat().st_size
    row["archive_mo"] = round(archive_bytes / 2**20, 1)
    shutil.rmtree(base / "site-publie")
    row["validation_s"], _ = timed([str(VENV / "terreau"), "valider", "--docs", str(terreau / "docs")])
    catalogue = build(terreau / "docs")
    start = time.perf_counter()
    finder.search_data(catalogue)
    row["index_s"] = round(time.perf_counter() - start, 2)
    total, data = terreau_first_result_bytes(base / "site", terreau / "docs")
    row["avant_resultat_gz_ko"], row["donnees_recherche_gz_ko"] = round(total / 1024), round(data / 1024)
    total, data = baseline_first_result_bytes(base / "site-base")
    row["base_avant_resultat_gz_ko"], row["base_index_gz_ko"] = round(total / 1024), round(data / 1024)
    cards = [c for c in catalogue.cards.values() if c.kind in ("methode", "outil", "action")]
    row["html_fiche_ko"] = round(card_html(base / "site", cards) / 1024, 1)
    row["base_html_fiche_ko"] = round(card_html(base / "site-base", cards) / 1024, 1)
    row["site_mo"] = round(site_size(base / "site") / 2**20, 1)
    row["base_site_mo"] = round(site_size(base / "site-base") / 2**20, 1)
    # A one-card change, caches warm (with PDFs up to the given size).
    if size <= pdf_up_to:
        env["TERREAU_PDF"] = env["TERREAU_PUBLICATION"] = "true"
        timed(
            [
                str(VENV / "mkdocs"),
                "build",
                "-q",
                "-f",
                str(terreau / "mkdocs.yml"),
                "-d",
                str(base / "site"),
            ],
            env,
        )  # PDFs rendered once, into the cache
    card = next((terreau / "docs/outils").glob("outil-*.md"))
    card.write_text(card.read_text("utf-8") + "\nUne phrase de plus.\n", "utf-8")
    row["reconstruction_s"], _ = timed(
        [str(VENV / "mkdocs"), "build", "-q", "-f", str(terreau / "mkdocs.yml"), "-d", str(base / "site")],
        env,
    )
    row["reconstruction_avec_pdf"] = 1.0 if size <= pdf_up_to else 0.0
    row["apercu_s"] = preview_latency(terreau, {k: v for k, v in env.items() if k != "TERREAU_PUBLICATION"})
    row["attribution_s"] = attribution_time(terreau / "docs")
    row.update(browser_figures(base / "site"))
    if lighthouse:
        row.update(lighthouse_scores(base / "site"))
    return row


COLUMNS = [
    ("fiches", "Fiches"),
    ("construction_s", "Construction Terreau (s)"),
    ("base_construction_s", "Construction mkdocs-material (s)"),
    ("ratio_temps", "Ratio temps"),
    ("construction_froide_s", "Construction Terreau, cache vide (s)"),
    ("ratio_froid", "Ratio, cache vide"),
    ("construction_chaude_s", "Construction Terreau, cache plein (s)"),
    ("ratio_chaud", "Ratio, cache plein"),
    ("memoire_mo", "Mémoire Terreau (Mo)"),
    ("base_memoire_mo", "Mémoire mkdocs-material (Mo)"),
    ("ratio_memoire", "Ratio mémoire"),
    ("memoire_pss_mo", "Mémoire Terreau, pages partagées comptées une fois (PSS, Mo)"),
    ("validation_s", "Validation (s)"),
    ("index_s", "Index de recherche (s)"),
    ("avant_resultat_gz_ko", "Avant le 1er résultat, Terreau (Ko gz)"),
    ("base_avant_resultat_gz_ko", "Avant le 1er résultat, mkdocs-material (Ko gz)"),
    ("html_fiche_ko", "HTML d'une fiche (Ko)"),
    ("base_html_fiche_ko", "HTML, mkdocs-material (Ko)"),
    ("page_fiche_gz_ko", "Page de fiche, 1re visite (Ko gz)"),
    ("site_mo", "Site Terreau (Mo)"),
    ("base_site_mo", "Site mkdocs-material (Mo)"),
    ("reconstruction_s", "Après une fiche modifiée (s)"),
    ("reconstruction_avec_pdf", "… PDF compris (1 = oui)"),
    ("apercu_s", "Aperçu (servir) : une fiche modifiée, page à jour (s)"),
    ("publication_s", "Construction pour publier, archive comprise, cache vide (s)"),
    ("archive_mo", "Archive hors ligne (Mo)"),
    ("attribution_s", "Attribution Git (s)"),
    ("premier_resultat_s", "1er résultat, processeur ralenti ×4 (s)"),
    ("lighthouse_fiche_performance", "Lighthouse, fiche : performance"),
    ("lighthouse_fiche_accessibility", "Lighthouse, fiche : accessibilité"),
    ("lighthouse_recherche_performance", "Lighthouse, recherche : performance"),
    ("lighthouse_recherche_accessibility", "Lighthouse, recherche : accessibilité"),
]


def table(rows: list[dict[str, float]]) -> str:
    lines = [
        "| Mesure | " + " | ".join(str(int(r["fiches"])) for r in rows) + " |",
        "|---|" + "---:|" * len(rows),
    ]
    for key, label in COLUMNS[1:]:
        lines.append(f"| {label} | " + " | ".join(str(r.get(key, "")) for r in rows) + " |")
    return "\n".join(lines)


def main() -> None:
    from terreau.cli import Parser  # French usage and errors

    parser = Parser(prog="bench.py", description="Mesure Terreau face à mkdocs-material.")
    parser.add_argument("tailles", nargs="*", type=int, default=[100, 1000, 5000])
    parser.add_argument(
        "--pdf-jusqua",
        type=int,
        default=1000,
        help="taille maximale à laquelle la reconstruction inclut les PDF",
    )
    parser.add_argument("--sortie", type=Path, default=Path("bench-resultats.json"))
    parser.add_argument(
        "--fois",
        type=int,
        default=1,
        help="nombre de constructions de chaque côté, en alternance (les médianes sont retenues)",
    )
    parser.add_argument(
        "--lighthouse",
        action="store_true",
        help="mesure aussi les scores Lighthouse (installe lighthouse avec npm au premier usage)",
    )
    args = parser.parse_args()
    rows = []
    for size in args.tailles:
        with tempfile.TemporaryDirectory() as tmp:
            rows.append(measure(size, Path(tmp), args.pdf_jusqua, args.lighthouse, args.fois))
            print(f"{size} fiches mesurées.", file=sys.stderr)
    args.sortie.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(table(rows))


if __name__ == "__main__":
    main()
