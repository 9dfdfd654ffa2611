#!/usr/bin/env python3
"""Generate a synthetic Terreau corpus that passes `terreau valider`, for benchmarks.

Usage: python scripts/generer_corpus.py DOSSIER NOMBRE [--mots 900] [--graine 1]

The text is French, drawn from the sentences of the shipped cards, so that word
frequencies, accents and stemming behave like the real corpus. Axis cards are copied
from docs/axes/. Feedback records are a tenth of the cards, as in a living commons.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = [
    ("methode", "methodes", 0.2),
    ("outil", "outils", 0.35),
    ("action", "actions", 0.35),
    ("retour", "retours", 0.1),
]


def sentences() -> list[str]:
    text = " ".join(p.read_text("utf-8").split("---", 2)[-1] for p in (ROOT / "docs").rglob("*.md"))
    text = re.sub(r"[#*`>\[\]()|]", " ", text)
    found = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 5]
    return sorted(set(found))


def axes_tree() -> list[tuple[str, str, str]]:
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    from terreau.core.catalogue import build

    catalogue = build(ROOT / "docs")
    return [
        (a.id, o.id, obj.id)
        for a in catalogue.of_kind("axe")
        for o in a.meta.orientations
        for obj in o.objectifs
    ]


def body(rng: random.Random, pool: list[str], words: int) -> str:
    parts, count = [], 0
    while count < words:
        parts.append(f"\n## {rng.choice(pool).split(',')[0][:60].rstrip('.')}\n")
        for _ in range(rng.randint(3, 6)):
            paragraph = " ".join(rng.choice(pool) for _ in range(rng.randint(2, 5)))
            parts.append(paragraph + "\n")
            count += len(paragraph.split())
    return "\n".join(parts)


def common(rng: random.Random, pool: list[str], title: str) -> str:
    return (
        f'titre: "{title}"\n'
        f'resume: "{rng.choice(pool)[:380]}"\n'
        f"besoins: [{rng.choice(['mobiliser', 'comprendre', 'agir', 'evaluer'])}]\n"
        f"porteurs: [{rng.choice(['elus', 'association', 'collectif-habitants'])}]\n"
        f"publics: [{rng.choice(['tout-public', 'elus', 'jeunes', 'agriculteurs'])}]\n"
        f"taille_groupe: {{min: {rng.randint(2, 10)}, max: {rng.randint(10, 60)}}}\n"
        f"duree: {{min: {rng.randint(1, 3)}, max: {rng.randint(3, 9)}, "
        f"unite: {rng.choice(['jour', 'semaine', 'mois'])}}}\n"
        f"cout: {rng.choice(['nul', 'faible', 'moyen', 'eleve'])}\n"
        f"difficulte: {rng.choice(['facile', 'moyenne', 'exigeante'])}\n"
        f"maturite: {rng.choice(['idee', 'experimente', 'eprouve'])}\n"
        f"communes: [{rng.choice(['moins-500', '500-2000', '2000-10000'])}]\n"
        f'compostabilite: "{rng.choice(pool)[:300]}"\n'
        "structures: [Association de test]\n"
        "sources:\n  - titre: Source de test\n    url: https://exemple.org/source\n"
        "mots_cles: ["
        + ", ".join(json.dumps(w, ensure_ascii=False) for w in rng.choice(pool).split()[:3] if w.isalpha())
        + "]\n"
        "relu_le: 2026-01-15\n"
    )


def generate(target: Path, count: int, words: int, seed: int) -> None:
    rng = random.Random(seed)
    pool = [s.replace('"', "'") for s in sentences()]
    tree = axes_tree()
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ROOT / "docs" / "axes", target / "axes")
    for folder in ("methodes", "outils", "actions", "retours"):
        (target / folder).mkdir(parents=True)
    tools: list[str] = []
    methods: list[str] = []
    for n in range(count):
        kind, folder, _ = rng.choices(KINDS, weights=[k[2] for k in KINDS])[0]
        if kind == "retour" and not methods:
            kind, folder = "methode", "methodes"
        card_id = f"{kind}-{n:05d}"
        title = " ".join(rng.choice(pool).split()[: rng.randint(3, 8)]).rstrip(",;:.")
        head = f"---\ntype: {kind}\n"
        if kind == "retour":
            head += (
                f'titre: "{title}"\nresume: "{rng.choice(pool)[:380]}"\n'
                "lieu:\n  nom: Commune de test\n  communes:\n    - nom: Commune de test\n"
                f'      insee: "{rng.choice([1, 13, 36, 79, 86]):02d}{rng.randint(1, 999):03d}"\n'
                f"      population: {rng.randint(80, 9000)}\n      annee_population: 2021\n"
                "periode: {debut: 2021-03}\nstructure_porteuse: Association de test\n"
                f"fiches: [{rng.choice(methods)}]\nverification: structure\n"
                "sources:\n  - titre: Compte rendu de test\n"
            )
        else:
            head += common(rng, pool, title)
        if kind == "methode":
            steps = "".join(
                f"  - titre: Étape {i}\n    outils: [{rng.choice(tools)}]\n"
                if tools
                else f"  - titre: Étape {i}\n"
                for i in range(1, 5)
            )
            head += f"etapes:\n{steps}"
            methods.append(card_id)
        if kind == "outil":
            tools.append(card_id)
        if kind == "action":
            axe, orientation, objectif = rng.choice(tree)
            head += (
                f"axe: {axe}\norientation: {orientation}\nobjectif: {objectif}\n"
                f"horizon: {rng.choice(['court', 'moyen', 'long'])}\n"
            )
        (target / folder / f"{card_id}.md").write_text(head + "---\n" + body(rng, pool, words), "utf-8")


def main() -> None:
    from terreau.cli import Parser  # French usage and errors

    parser = Parser(prog="generer_corpus.py", description="Génère un corpus de fiches de test.")
    parser.add_argument("dossier", type=Path)
    parser.add_argument("nombre", type=int)
    parser.add_argument("--mots", type=int, default=900)
    parser.add_argument("--graine", type=int, default=1)
    args = parser.parse_args()
    generate(args.dossier, args.nombre, args.mots, args.graine)


if __name__ == "__main__":
    main()
