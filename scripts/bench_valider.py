#!/usr/bin/env python3
"""Benchmark: `terreau valider` on generated corpora (wall time, peak memory), 3 runs each.

Usage: .venv/bin/python scripts/bench_valider.py [TAILLE ...]   (default: 100 1000 5000)
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from generer_corpus import generate  # noqa: E402


def run(docs: Path) -> tuple[float, int]:
    start = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv/bin/terreau"), "valider", "--docs", str(docs)], check=True, capture_output=True
    )
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return elapsed, peak


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000, 5000]
    print("| fiches | valider (médiane de 3) | mémoire max |")
    print("|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            docs = Path(tmp) / f"corpus-{size}"
            generate(docs, size, 900, 1)
            times, peak = [], 0
            for _ in range(3):
                elapsed, peak = run(docs)
                times.append(elapsed)
            print(f"| {size} | {statistics.median(times):.2f} s | {peak} Mo |")


if __name__ == "__main__":
    main()
