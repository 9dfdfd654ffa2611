"""The `terreau` command: French help and messages; library problems become exit codes here."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from terreau.contribute import courriel, forms, scaffold
from terreau.core import schema
from terreau.core.catalogue import build
from terreau.core.models import Axe
from terreau.core.problems import Problem
from terreau.derive import export


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


# argparse's own error messages are English; these are the ones a user can meet.
_ERRORS_FR = [
    (re.compile(r"the following arguments are required: (.*)"), r"arguments obligatoires manquants : \1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"arguments non reconnus : \1"),
    (re.compile(r"invalid choice: (.*) \(choose from (.*)\)"), r"choix invalide : \1 (possibles : \2)"),
    (re.compile(r"expected one argument"), "une valeur est attendue"),
    (re.compile(r"^argument ([^:]*): "), r"argument \1 : "),
]


class Parser(argparse.ArgumentParser):
    """argparse in French for this command only (no change to argparse for anyone else)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")

    def error(self, message: str) -> NoReturn:
        for pattern, french in _ERRORS_FR:
            message = pattern.sub(french, message)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog} : erreur : {message}\n")


EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

EPILOG = """codes de sortie :
  0  tout va bien
  1  au moins un problème a été trouvé dans les fiches
  2  la commande ne peut pas être exécutée (option inconnue, dossier introuvable,
     fiche déjà existante…)
"""


def _add_docs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--docs",
        default="docs",
        metavar="DOSSIER",
        help="dossier qui contient les fiches (par défaut : docs)",
    )


def _docs_dir(args: argparse.Namespace) -> Path | None:
    """The cards' folder, or None after saying in French that it does not exist."""
    docs = Path(args.docs)
    if not docs.is_dir():
        print(f"terreau : le dossier « {docs} » est introuvable.", file=sys.stderr)
        return None
    return docs


def _parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="terreau",
        description="Terreau : vérifier et préparer les fiches du commun.",
        formatter_class=_Formatter,
    )
    sub = parser.add_subparsers(dest="commande", metavar="COMMANDE", title="commandes")

    valider = sub.add_parser(
        "valider",
        help="vérifier les fiches et signaler chaque problème",
        description="Vérifie toutes les fiches du dossier docs/ : en-tête YAML, champs, valeurs "
        "et liens entre fiches. Chaque problème est signalé sur une ligne : "
        "fichier:ligne: CODE champ : message.",
        epilog=EPILOG,
        formatter_class=_Formatter,
    )
    valider.add_argument(
        "chemins",
        nargs="*",
        metavar="CHEMIN",
        help="fichiers ou dossiers dont on veut voir les problèmes (par défaut : tous)",
    )
    _add_docs(valider)
    valider.add_argument(
        "--format",
        choices=["texte", "json", "github", "gitlab"],
        default="texte",
        help="texte (par défaut), json, github (annotations sur les lignes d'une demande de "
        "fusion GitHub) ou gitlab (rapport Code Quality pour GitLab)",
    )

    nouveau = sub.add_parser(
        "nouveau",
        help="créer une fiche à partir d'un modèle",
        description="Crée une fiche valide à partir d'un modèle, dans le bon dossier, sans jamais "
        "écraser un fichier existant. Dans un terminal, la commande pose les questions qui "
        "manquent ; sinon, donnez-les en options.",
        epilog='exemple :\n  terreau nouveau methode --titre "Balade sensible"\n\n' + EPILOG,
        formatter_class=_Formatter,
    )
    nouveau.add_argument(
        "type", choices=scaffold.KINDS, metavar="TYPE", help="type de fiche : " + ", ".join(scaffold.KINDS)
    )
    nouveau.add_argument("--titre", help="titre de la fiche")
    nouveau.add_argument(
        "--id",
        dest="card_id",
        metavar="IDENTIFIANT",
        help="nom du fichier sans .md (par défaut : tiré du titre)",
    )
    nouveau.add_argument("--axe", help="pour une action : identifiant de l'axe")
    nouveau.add_argument("--orientation", help="pour une action : identifiant de l'orientation")
    nouveau.add_argument("--objectif", help="pour une action : identifiant de l'objectif")
    nouveau.add_argument(
        "--fiche",
        dest="fiches",
        action="append",
        default=[],
        metavar="IDENTIFIANT",
        help="pour un retour ou un parcours : fiche utilisée (à répéter)",
    )
    _add_docs(nouveau)

    schema = sub.add_parser(
        "schema",
        help="écrire les schémas JSON des fiches",
        description="Écrit le schéma JSON de chaque type de fiche, pour l'autocomplétion dans un "
        "éditeur et pour ceux qui réutilisent les données.",
    )
    schema.add_argument(
        "--dossier",
        default="schemas",
        metavar="DOSSIER",
        help="dossier où écrire les schémas (par défaut : schemas)",
    )

    exporter = sub.add_parser(
        "exporter",
        help="écrire les données ouvertes (JSON, CSV, datapackage.json)",
        description="Écrit toutes les fiches en JSON et en CSV, les schémas JSON et un "
        "datapackage.json qui les décrit : les mêmes fichiers que le site publie dans donnees/.",
        epilog=EPILOG,
        formatter_class=_Formatter,
    )
    _add_docs(exporter)
    exporter.add_argument(
        "--dossier",
        default="donnees",
        metavar="DOSSIER",
        help="dossier où écrire les fichiers (par défaut : donnees)",
    )

    importer = sub.add_parser(
        "importer-formulaire",
        help="transformer un formulaire envoyé sur la forge en fiche",
        description="Lit le texte d'un ticket créé par un formulaire (« Partager un retour "
        "d'expérience » ou « Proposer une fiche ») et écrit la fiche correspondante dans docs/, "
        "si elle est valide. Sinon, n'écrit rien et explique ce qu'il faut corriger.",
        epilog=EPILOG,
        formatter_class=_Formatter,
    )
    importer.add_argument(
        "--formulaire",
        choices=sorted(forms.FORMS),
        required=True,
        help="le formulaire envoyé : retour ou fiche",
    )
    importer.add_argument(
        "--corps", required=True, metavar="FICHIER", help="fichier contenant le texte du ticket"
    )
    _add_docs(importer)
    importer.add_argument(
        "--message", metavar="FICHIER", help="où écrire, en Markdown, la réponse à poster sur le ticket"
    )

    courriel_ = sub.add_parser(
        "importer-courriel",
        help="transformer des messages reçus par courriel en fiches",
        description="Lit des messages enregistrés (.eml, ou une boîte mbox de plusieurs "
        "messages) et écrit dans docs/ la fiche que chacun contient, entre les lignes "
        f"« {courriel.BEGIN} » et « {courriel.END} », si elle est valide. Le nom du fichier "
        "vient du titre de la fiche, son dossier de son type ; un fichier existant n'est "
        "jamais remplacé. L'expéditeur n'est jamais recopié dans la fiche et les pièces "
        "jointes ne sont jamais ouvertes. Pour un message qui a un problème, rien n'est "
        "écrit et chaque problème est signalé : fichier, message n:ligne: CODE message.",
        epilog="exemple :\n  terreau importer-courriel ~/Téléchargements/retour.eml\n\n"
        "codes de sortie :\n"
        "  0  chaque message est devenu une fiche\n"
        "  1  au moins un message n'a pas pu devenir une fiche (rien n'est écrit pour lui)\n"
        "  2  la commande ne peut pas être exécutée (fichier ou dossier introuvable…)\n",
        formatter_class=_Formatter,
    )
    courriel_.add_argument(
        "fichiers", nargs="+", metavar="FICHIER", help="message enregistré (.eml) ou boîte mbox"
    )
    _add_docs(courriel_)

    formulaires = sub.add_parser(
        "formulaires",
        help="écrire les formulaires de la forge (GitHub et GitLab)",
        description="Écrit .github/ISSUE_TEMPLATE/*.yml et .gitlab/issue_templates/*.md à partir "
        "des définitions de Terreau.",
    )
    formulaires.add_argument(
        "--racine", default=".", metavar="DOSSIER", help="racine du dépôt (par défaut : le dossier courant)"
    )

    construire = sub.add_parser(
        "construire",
        help="construire le site (pages, recherche, données ; avec --publication, PDF et archives)",
        description="Construit le site dans un dossier : vérifie les fiches, puis écrit les "
        "pages, la recherche et les données ouvertes ; avec --publication, comme à la "
        "publication, aussi les PDF et les archives hors ligne. Le générateur de pages (MkDocs) "
        "lit mkdocs.yml.",
        epilog=EPILOG,
        formatter_class=_Formatter,
    )
    construire.add_argument(
        "--config",
        default="mkdocs.yml",
        metavar="FICHIER",
        help="configuration du site (par défaut : mkdocs.yml)",
    )
    _add_docs(construire)
    construire.add_argument(
        "--dossier", default="site", metavar="DOSSIER", help="dossier où écrire le site (par défaut : site)"
    )
    construire.add_argument(
        "--publication",
        action="store_true",
        help="construire pour publier : aussi les PDF des fiches et des livrets, et les archives hors ligne",
    )
    construire.add_argument(
        "--sans-pdf", action="store_true", help="avec --publication : ne pas produire les PDF (plus rapide)"
    )
    return parser


def _selected(problems: list[Problem], paths: Sequence[str]) -> list[Problem]:
    if not paths:
        return problems
    wanted = [Path(p).resolve() for p in paths]

    def keep(p: Problem) -> bool:
        target = Path(p.path).resolve()
        return any(target == w or w in target.parents for w in wanted)

    return [p for p in problems if keep(p)]


def _print_problems(problems: list[Problem], fmt: str, checked: int) -> None:
    if fmt == "json":
        json.dump([p.as_dict() for p in problems], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    if fmt == "gitlab":
        # GitLab's Code Quality report: shown on the changed lines of a merge request.
        report = [
            {
                "description": p.format_text().split(": ", 1)[1],
                "check_name": p.code,
                "fingerprint": hashlib.sha1(f"{p.path}:{p.line}:{p.code}:{p.field}".encode()).hexdigest(),
                "severity": "major" if p.is_error else "minor",
                "location": {"path": p.path, "lines": {"begin": p.line}},
            }
            for p in problems
        ]
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    for p in problems:
        if fmt == "github":
            # Annotation values must not contain raw newlines; % and , are escaped per spec.
            msg = p.format_text().split(": ", 1)[1].replace("%", "%25").replace("\n", "%0A")
            level = "error" if p.is_error else "warning"
            print(f"::{level} file={p.path},line={p.line},title={p.code}::{msg}")
        else:
            print(p.format_text())
    if fmt == "texte":
        if problems:
            files = len({p.path for p in problems})
            warnings = sum(1 for p in problems if not p.is_error)
            some = f", dont {warnings} avertissement(s) qui ne bloquent pas" if warnings else ""
            print(f"\n{len(problems)} problème(s) dans {files} fichier(s){some}.", file=sys.stderr)
        else:
            print(f"{checked} fiche(s) vérifiée(s) : aucun problème.", file=sys.stderr)


def cmd_valider(args: argparse.Namespace) -> int:
    docs = _docs_dir(args)
    if docs is None:
        return EXIT_USAGE
    for path in args.chemins:
        if not Path(path).exists():
            print(f"terreau : le chemin « {path} » est introuvable.", file=sys.stderr)
            return EXIT_USAGE
    catalogue = build(docs)
    problems = _selected(catalogue.problems, args.chemins)
    _print_problems(problems, args.format, len(catalogue.cards))
    return EXIT_PROBLEMS if any(p.is_error for p in problems) else EXIT_OK


def _ask(question: str, current: str | None) -> str | None:
    """Ask in a terminal only; elsewhere a missing value stays missing."""
    if current or not sys.stdin.isatty():
        return current
    try:
        return input(question).strip() or None
    except EOFError:
        return None


def cmd_nouveau(args: argparse.Namespace) -> int:
    docs = _docs_dir(args)
    if docs is None:
        return EXIT_USAGE
    catalogue = build(docs)
    request = scaffold.Request(args.type, _ask("Titre de la fiche : ", args.titre) or "", args.card_id)
    if args.type == "action":
        axes = ", ".join(c.id for c in catalogue.of_model(Axe))
        request.axe = _ask(f"Axe ({axes}) : ", args.axe)
        axe = catalogue.get(request.axe or "", Axe)
        if axe is not None:
            tree = axe.meta.orientations
            request.orientation = _ask(f"Orientation ({', '.join(o.id for o in tree)}) : ", args.orientation)
            chosen = next((o for o in tree if o.id == request.orientation), None)
            listed = ", ".join(o.id for o in chosen.objectifs) if chosen else ""
            request.objectif = _ask(f"Objectif ({listed}) : ", args.objectif)
    if args.type in ("retour", "parcours"):
        answer = _ask("Fiches utilisées (identifiants séparés par des virgules) : ", ",".join(args.fiches))
        request.fiches = [f.strip() for f in (answer or "").split(",") if f.strip()]
    if not request.titre:
        print("terreau : donnez un titre avec --titre.", file=sys.stderr)
        return EXIT_USAGE
    try:
        path = scaffold.create(docs, request, catalogue, dt.date.today())
    except scaffold.ScaffoldError as err:
        print(f"terreau : {err}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Fiche créée : {path}")
    print("Complétez les champs marqués « À compléter », puis lancez « terreau valider ».")
    return EXIT_OK


def cmd_exporter(args: argparse.Namespace) -> int:
    docs = _docs_dir(args)
    if docs is None:
        return EXIT_USAGE
    catalogue = build(docs)
    if catalogue.problems:
        _print_problems(catalogue.problems, "texte", len(catalogue.cards))
        print("terreau : corrigez ces problèmes avant d'exporter.", file=sys.stderr)
        return EXIT_PROBLEMS
    written = export.write(catalogue, Path(args.dossier))
    print(f"{len(written)} fichiers écrits dans {args.dossier}.")
    return EXIT_OK


def cmd_importer(args: argparse.Namespace) -> int:
    docs = _docs_dir(args)
    body_file = Path(args.corps)
    if docs is None:
        return EXIT_USAGE
    if not body_file.is_file():
        print(f"terreau : le fichier « {body_file} » est introuvable.", file=sys.stderr)
        return EXIT_USAGE
    form = forms.FORMS[args.formulaire]
    body = body_file.read_text("utf-8", errors="replace")
    try:
        path = forms.convert(form, body, docs, build(docs))
    except forms.FormError as err:
        message = (
            "Merci pour votre contribution ! Elle ne peut pas encore devenir une fiche :\n\n"
            + "\n".join(f"- {p}" for p in err.problems)
            + "\n\nModifiez votre ticket (bouton « Modifier ») : il sera relu à nouveau. "
            "Rien de ce que vous avez écrit n'est perdu.\n"
        )
        print(message, file=sys.stderr)
        if args.message:
            Path(args.message).write_text(message, "utf-8")
        return EXIT_PROBLEMS
    print(path)
    if args.message:
        Path(args.message).write_text(
            f"Merci ! Votre contribution est devenue la fiche `{path}`, proposée pour relecture.\n",
            "utf-8",
        )
    return EXIT_OK


def _print_outcome(outcome: courriel.Outcome) -> None:
    for note in outcome.notes:
        print(f"{outcome.label} : {note}")
    if outcome.imported:
        for path in outcome.written:
            print(f"{outcome.label} : fiche écrite dans {path}")
    else:
        print(f"{outcome.label} : rien n'a été écrit.")
    for p in outcome.problems:
        print(p.format_text())


def cmd_importer_courriel(args: argparse.Namespace) -> int:
    docs = _docs_dir(args)
    if docs is None:
        return EXIT_USAGE
    files = [Path(f) for f in args.fichiers]
    for file in files:
        if not file.is_file():
            print(f"terreau : le fichier « {file} » est introuvable.", file=sys.stderr)
            return EXIT_USAGE
    catalogue = build(docs)
    read = imported = unreadable = 0
    for file in files:
        try:
            for outcome in courriel.import_file(file, str(file), docs, catalogue):
                read += 1
                imported += outcome.imported
                _print_outcome(outcome)
        except OSError as err:
            unreadable += 1
            print(f"terreau : le fichier « {file} » ne peut pas être lu ({err.strerror}).", file=sys.stderr)
    left = read - imported
    again = f", {left} message(s) à reprendre (voir ci-dessus)" if left else ""
    print(f"\n{read} message(s) lu(s) : {imported} devenu(s) fiche(s){again}.", file=sys.stderr)
    if imported:
        print("Relisez chaque fiche écrite, lancez « terreau valider », puis proposez-la.", file=sys.stderr)
    return EXIT_OK if left == 0 and unreadable == 0 else EXIT_PROBLEMS


def cmd_formulaires(args: argparse.Namespace) -> int:
    for path in forms.write_forge_files(Path(args.racine)):
        print(f"Formulaire écrit : {path}")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    for path in schema.write_all(Path(args.dossier)):
        print(f"Schéma écrit : {path}")
    return EXIT_OK


def cmd_construire(args: argparse.Namespace) -> int:
    """The whole site through SiteBuild and the MkDocs adapter (the only generator today)."""
    config_file, docs = Path(args.config), _docs_dir(args)
    if docs is None:
        return EXIT_USAGE
    if not config_file.is_file():
        print(f"terreau : la configuration « {config_file} » est introuvable.", file=sys.stderr)
        return EXIT_USAGE
    from terreau.adapters.mkdocs import command

    if not command.build(
        config_file, docs, Path(args.dossier), pdf=not args.sans_pdf, publication=args.publication
    ):
        print("terreau : la construction a échoué (voir ci-dessus).", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Site construit dans {args.dossier}/.", file=sys.stderr)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.commande is None:
        parser.print_help()
        return EXIT_USAGE
    commands = {
        "valider": cmd_valider,
        "nouveau": cmd_nouveau,
        "schema": cmd_schema,
        "exporter": cmd_exporter,
        "importer-formulaire": cmd_importer,
        "importer-courriel": cmd_importer_courriel,
        "formulaires": cmd_formulaires,
        "construire": cmd_construire,
    }
    if args.commande in commands:
        return commands[args.commande](args)
    return EXIT_USAGE  # pragma: no cover - argparse refuses unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
