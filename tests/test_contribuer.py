"""Contributing: forms that become cards (valid and hostile payloads), the forge's files,
credit from the Git history, freshness, and the links every page carries."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, build_site
from terreau.cli import main
from terreau.contribute import forms
from terreau.core import attribution
from terreau.core.catalogue import build
from terreau.core.forge import Forge
from terreau.core.loader import decode, split
from terreau.core.yamlsafe import read

FORM_BODY = (ROOT / "tests/fixtures/formulaires/retour-github.md").read_text("utf-8")


def front(path: Path) -> dict:
    text = decode(path.read_bytes())
    head, line, _, _ = split(text)  # type: ignore[misc]
    return read(head, line).value


# --- forms -> cards --------------------------------------------------------------------------


def test_a_github_form_becomes_a_valid_card(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = docs.parent / "corps.md"
    body.write_text(FORM_BODY, "utf-8")
    message = docs.parent / "message.md"
    assert (
        main(
            ["importer-formulaire", "--formulaire", "retour", "--corps", str(body), "--message", str(message)]
        )
        == 0
    )
    path = Path(capsys.readouterr().out.strip())
    assert path == Path("docs/retours/saint-exemple-une-enquete-collective-au-village.md")
    assert build(docs).problems == []
    data = front(docs.parent / path)
    assert data["lieu"]["communes"] == [{"nom": "Léaz", "insee": "01209"}]
    assert data["fiches"] == ["enquete-collective", "guide-entretien-semi-directif"]
    assert data["adaptations"] == []  # « _No response_ » is no answer
    assert data["ce_qui_a_marche"][1] == "Une restitution publique très suivie"
    assert "proposée pour relecture" in message.read_text("utf-8")


def test_a_gitlab_template_filled_in_becomes_a_card(docs: Path) -> None:
    template = (ROOT / ".gitlab/issue_templates/fiche.md").read_text("utf-8")
    answers = {
        "Type de fiche": "outil",
        "Titre": "Jeu des cartes du territoire",
        "Résumé pour les élus": "Un jeu de cartes pour parler du village.",
        "Besoins": "mobiliser, comprendre",
        "Qui peut la porter": "association",
        "Publics": "tout-public",
        "Tailles de commune": "moins-500",
        "Durée (minimum)": "2",
        "Unité de durée": "heure",
        "Coût": "faible",
        "Difficulté": "facile",
        "Maturité": "idee",
        "Compostabilité": "Les cartes se refont pour un autre village.",
        "Texte de la fiche": "## Règle du jeu\n\nChacun tire une carte.",
    }
    filled = template
    for label, answer in answers.items():
        filled = re.sub(rf"(### {re.escape(label)}\n\n)", rf"\g<1>{answer}\n", filled)
    filled = filled.replace("- [ ]", "- [x]")
    path = forms.convert(forms.FICHE, filled, docs, build(docs))
    assert path.parent.name == "outils"
    assert build(docs).problems == []
    assert front(path)["besoins"] == ["mobiliser", "comprendre"]
    assert "Chacun tire une carte." in path.read_text("utf-8")


def test_an_answer_cannot_write_other_fields(docs: Path) -> None:
    """Answers reach the card through a YAML dumper: text that looks like YAML stays text."""
    template = (ROOT / ".gitlab/issue_templates/fiche.md").read_text("utf-8")
    answers = {
        "Type de fiche": "outil",
        "Titre": "Jeu\nmaturite: eprouve",
        "Résumé pour les élus": 'Un jeu." \nlicence: autre',
        "Besoins": "mobiliser",
        "Qui peut la porter": "association",
        "Publics": "tout-public",
        "Durée (minimum)": "1, unite: jour}\nmaturite: eprouve",
        "Unité de durée": "heure",
        "Coût": "faible",
        "Difficulté": "facile",
        "Maturité": "idee",
        "Compostabilité": "Oui.",
        "Texte de la fiche": "---\ntype: action\n---",
    }
    filled = template
    for label, answer in answers.items():
        filled = re.sub(rf"(### {re.escape(label)}\n\n)", lambda m, a=answer: m.group(1) + a + "\n", filled)
    filled = filled.replace("- [ ]", "- [x]")
    with pytest.raises(forms.FormError) as err:
        forms.convert(forms.FICHE, filled, docs, build(docs))
    # The only problems are in the duration (a line break, not a number): no field was smuggled in.
    assert err.value.problems and all(p.startswith("Champ « duree.min » :") for p in err.value.problems)
    kind, text = forms.card_text(forms.FICHE, forms.answers(forms.FICHE, filled))
    data = read(*split(decode(text.encode()))[:2]).value  # type: ignore[misc]
    assert data["titre"] == "Jeu maturite: eprouve" and data["maturite"] == "idee"
    assert "licence" not in data and text.endswith("---\ntype: action\n---\n")


def test_missing_answers_and_consent_are_explained_and_nothing_is_written(docs: Path) -> None:
    body = FORM_BODY.replace("Association Vivre au village", "_No response_").replace("- [X]", "- [ ]")
    with pytest.raises(forms.FormError) as err:
        forms.convert(forms.RETOUR, body, docs, build(docs))
    assert "La réponse « Structure porteuse » est obligatoire." in err.value.problems
    assert any("doivent être cochées" in p for p in err.value.problems)
    assert not list((docs / "retours").glob("saint-exemple*"))


def test_an_invalid_answer_gets_a_french_comment_back(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = docs.parent / "corps.md"
    body.write_text(
        FORM_BODY.replace("2024-03", "mars 2024").replace(
            "enquete-collective, guide", "enquete-colective, guide"
        ),
        "utf-8",
    )
    message = docs.parent / "message.md"
    assert (
        main(
            ["importer-formulaire", "--formulaire", "retour", "--corps", str(body), "--message", str(message)]
        )
        == 1
    )
    text = message.read_text("utf-8")
    assert "Champ « periode.debut » : « mars 2024 » n'est pas une période." in text
    assert "La fiche « enquete-colective » n'existe pas dans Terreau" in text
    assert "Rien de ce que vous avez écrit n'est perdu." in text


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '"\nverification: source-publique\nx: "',
        "titre\n---\ntype: axe\n---",
        "{{ config }} {% include '/etc/passwd' %}",
        "&a [*a] !!python/object:os.system ls",
        "\u2028\u0000\u001b[31m",
        "Écrire à jeanne.dupont@exemple.fr",
        "x" * 300_000,
    ],
)
def test_hostile_answers_are_refused_or_kept_as_plain_text(docs: Path, payload: str) -> None:
    body = FORM_BODY.replace("Saint-Exemple : une enquête collective au village", payload[:5000]).replace(
        "Tout a commencé par une soirée au café du village.", payload
    )
    try:
        path = forms.convert(forms.RETOUR, body, docs, build(docs))
    except forms.FormError as err:
        assert err.problems and all(isinstance(p, str) and p for p in err.problems)
        return
    data = front(path)
    assert data["type"] == "retour" and data["verification"] == "structure"
    assert set(data) <= {
        "type",
        "titre",
        "resume",
        "lieu",
        "periode",
        "structure_porteuse",
        "fiches",
        "ce_qui_a_marche",
        "difficultes",
        "adaptations",
        "verification",
        "sources",
    }
    assert build(docs).problems == []


# --- the forge's files -------------------------------------------------------------------------


def test_forge_forms_are_generated_from_the_definitions(tmp_path: Path) -> None:
    for path in forms.write_forge_files(tmp_path):
        committed = ROOT / path.relative_to(tmp_path)
        assert committed.read_text("utf-8") == path.read_text("utf-8"), (
            f"{committed} est périmé : lancez « .venv/bin/terreau formulaires »."
        )


@pytest.mark.parametrize(
    ("schema", "files"),
    [
        ("vendor.github-workflows", sorted((ROOT / ".github/workflows").glob("*.yml"))),
        (
            "vendor.github-issue-forms",
            [ROOT / ".github/ISSUE_TEMPLATE/retour.yml", ROOT / ".github/ISSUE_TEMPLATE/fiche.yml"],
        ),
        ("vendor.github-issue-config", [ROOT / ".github/ISSUE_TEMPLATE/config.yml"]),
        ("vendor.gitlab-ci", [ROOT / ".gitlab-ci.yml"]),
    ],
)
def test_forge_files_follow_their_schemas(schema: str, files: list[Path]) -> None:
    assert files
    checker = ROOT / ".venv/bin/check-jsonschema"
    command = [str(checker) if checker.exists() else "check-jsonschema", "--builtin-schema", schema]
    result = subprocess.run([*command, *map(str, files)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_commands_of_the_workflows_exist_and_run(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workflows = " ".join(p.read_text("utf-8") for p in (ROOT / ".github/workflows").glob("*.yml"))
    workflows += (ROOT / ".gitlab-ci.yml").read_text("utf-8")
    workflows += (ROOT / ".pre-commit-config.yaml").read_text("utf-8")
    assert "terreau valider --format github" in workflows
    assert "terreau valider --format gitlab" in workflows
    assert main(["valider", "--format", "github"]) == 0
    assert main(["valider", "--format", "gitlab"]) == 0
    assert json.loads(capsys.readouterr().out.split("\n", 1)[-1] or "[]") == []
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text("utf-8"))
    tester = (ROOT / "scripts/tester").read_text("utf-8")
    for hook in (h for r in hooks["repos"] for h in r["hooks"] if h["id"] != "terreau-valider"):
        assert hook["entry"] in tester, hook  # pre-commit runs what CI runs


_CONTENT_COMMANDS = ("terreau valider", "terreau importer-formulaire", "mkdocs build", "./scripts/tester")


def _scripts(path: Path) -> list[tuple[dict[str, Any], str]]:
    """(job, shell text) for every command of a GitHub workflow or a GitLab CI file."""
    data = yaml.safe_load(path.read_text("utf-8"))
    if path.name == ".gitlab-ci.yml":
        jobs = [job for job in data.values() if isinstance(job, dict) and "script" in job]
        return [(job, line) for job in jobs for line in job["script"]]
    return [(job, step.get("run", "")) for job in data["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize(
    "path",
    [*sorted((ROOT / ".github/workflows").glob("*.yml")), ROOT / ".gitlab-ci.yml"],
    ids=lambda p: p.name,
)
def test_ci_reads_contributed_files_with_no_secret_in_reach(path: Path) -> None:
    """A pull request is untrusted input that CI builds: every command that reads docs/ runs
    with an emptied environment, and no token is left in the checkout."""
    checked = 0
    for job, script in _scripts(path):
        for line in script.splitlines():
            for command in _CONTENT_COMMANDS:
                if command in line:
                    checked += 1
                    assert "env -i " in line[: line.index(command)], (path.name, line)
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("actions/checkout"):
                assert step["with"]["persist-credentials"] is False, path.name
        if "mkdocs build" in script or "./scripts/tester" in script:
            assert "secrets." not in str(job), path.name
            if path.suffix == ".yml" and path.name != ".gitlab-ci.yml":
                permissions = job.get("permissions") or yaml.safe_load(path.read_text("utf-8"))["permissions"]
                assert set(permissions.values()) == {"read"}, path.name
    assert checked, path.name


def test_gitlab_code_quality_report_locates_each_problem(
    docs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = docs / "methodes/enquete-collective.md"
    card.write_text(card.read_text("utf-8").replace("axes: []", "axe: []"), "utf-8")
    assert main(["valider", "--format", "gitlab"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report[0]["check_name"] == "CHAMP_INCONNU"
    assert report[0]["location"] == {"path": "docs/methodes/enquete-collective.md", "lines": {"begin": 10}}


def test_edit_and_form_links_for_github_and_gitlab() -> None:
    github = Forge("https://github.com/terreau/terreau")
    assert github.edit("outils/world-cafe.md") == (
        "https://github.com/terreau/terreau/edit/main/docs/outils/world-cafe.md"
    )
    assert github.form("retour") == "https://github.com/terreau/terreau/issues/new?template=retour.yml"
    gitlab = Forge("https://framagit.org/terreau/terreau")
    assert gitlab.edit("outils/world-cafe.md") == (
        "https://framagit.org/terreau/terreau/-/edit/main/docs/outils/world-cafe.md"
    )
    assert gitlab.form("fiche") == (
        "https://framagit.org/terreau/terreau/-/issues/new?issuable_template=fiche"
    )


# --- credit ------------------------------------------------------------------------------------


def git(
    repo: Path, *args: str, author: str = "Ana Durand <ana@exemple.org>", env: dict | None = None
) -> None:
    name, email = author[:-1].split(" <")
    environment = {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_AUTHOR_DATE": "2024-03-01T10:00:00Z",
        "GIT_COMMITTER_DATE": "2024-03-01T10:00:00Z",
        "HOME": str(repo),
        "PATH": "/usr/bin:/bin",
        **(env or {}),
    }
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=environment)


def test_history_follows_renames_mailmap_and_co_authors(tmp_path: Path) -> None:
    repo = tmp_path / "depot"
    (repo / "docs/outils").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "docs/outils/ancien-nom.md").write_text("v1\n", "utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Première version", author="ana <ana.perso@exemple.org>")
    git(repo, "mv", "docs/outils/ancien-nom.md", "docs/outils/nouveau-nom.md")
    git(repo, "commit", "-q", "-m", "Renommer", author="Bruno Martin <bruno@exemple.org>")
    (repo / "docs/outils/nouveau-nom.md").write_text("v2\n", "utf-8")
    git(
        repo,
        "commit",
        "-q",
        "-am",
        "Améliorer\n\nCo-authored-by: claire <claire@exemple.org>\n"
        "Co-authored-by: Bruno Martin <bruno@exemple.org>",
        author="Bruno Martin <bruno@exemple.org>",
        env={"GIT_AUTHOR_DATE": "2025-06-15T10:00:00Z", "GIT_COMMITTER_DATE": "2025-06-15T10:00:00Z"},
    )
    (repo / ".mailmap").write_text(
        "Ana Durand <ana@exemple.org> <ana.perso@exemple.org>\nClaire Petit <claire@exemple.org>\n", "utf-8"
    )
    git(repo, "add", ".mailmap")
    git(repo, "commit", "-q", "-m", "mailmap", author="Ana Durand <ana@exemple.org>")
    history = attribution.read(repo, "docs")
    card = history.of("docs/outils/nouveau-nom.md")
    assert card.contributors == ["Ana Durand", "Bruno Martin", "Claire Petit"]
    assert str(card.last_change) == "2025-06-15"
    assert card.commits == 3
    assert "docs/outils/ancien-nom.md" not in history.files
    assert history.shallow is False

    shallow = tmp_path / "copie"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(shallow)], check=True, capture_output=True
    )
    partial = attribution.read(shallow, "docs")
    assert partial.shallow is True  # reported, not fatal
    assert partial.of("docs/outils/nouveau-nom.md").contributors  # what the copy holds


def test_outside_a_repository_there_is_no_history(tmp_path: Path) -> None:
    assert attribution.read(tmp_path, "docs").available is False


def test_card_pages_credit_people_and_structures_and_say_how_to_cite(site: Path) -> None:
    html = (site / "methodes/enquete-collective.html").read_text("utf-8")
    # Issue 17: who wrote it, and whose approach inspired it, never a contribution not made.
    assert "Structures contributrices" not in html
    assert "Rédaction : l'équipe du commun Terreau, d'après les sources citées." in html
    assert (
        'après les démarches de La Traverse et des Localos<span class="terreau-ecran">, '
        "telles que les présente" in html
    )
    assert "Pas encore relue" in html
    assert "Contributions (historique des modifications) :" in html
    assert "« Enquête collective », fiche Terreau (" in html
    assert "licence CC BY-SA 4.0." in html
    assert ">Modifier cette page</a>" in html and "docs/methodes/enquete-collective.md" in html
    assert (
        ">Partager un retour d&#39;expérience</a>" in html or ">Partager un retour d'expérience</a>" in html
    )


def test_the_contributors_page_lists_structures_and_people(site: Path) -> None:
    html = (site / "contributeurs.html").read_text("utf-8")
    # No structure wrote a card: La Traverse is credited for the cards its approach inspired.
    assert "Aucune structure n'a encore rédigé ni relu de fiche" in html
    assert re.search(r"<strong>La Traverse</strong> : \d+ fiches inspirées", html)
    assert 'id="terreau-personnes"' in html


def test_cards_not_reviewed_for_long_are_marked_and_listed(docs: Path, tmp_path: Path) -> None:
    card = docs / "outils/world-cafe.md"
    reviewed = "maturite: experimente\nrelu_le: 2020-01-10"
    text = card.read_text("utf-8").replace("maturite: experimente", reviewed)
    card.write_text(text, "utf-8")
    build_site(docs, tmp_path / "site")
    page = (tmp_path / "site/outils/world-cafe.html").read_text("utf-8")
    assert '<span class="terreau-a-relire">à relire</span>' in page
    listing = (tmp_path / "site/contribuer/a-relire.html").read_text("utf-8")
    assert "World café</a> (Fiche outil) — relue le 10 janvier 2020" in listing
    fresh = (tmp_path / "site/actions/jardins-partages.html").read_text("utf-8")
    assert "terreau-a-relire" not in fresh
    # A card nobody reviewed says so, on its page and in the list.
    assert "Pas encore relue" in (tmp_path / "site/methodes/enquete-collective.html").read_text("utf-8")
    assert re.search(r"Enquête collective</a> \([^)]*\) — jamais relue", listing)


def test_the_contribute_page_opens_three_doors_without_jargon(site: Path) -> None:
    """« Contribuer » for people: tell your experience (the form, or paper), improve a card
    (with or without an account), join the team (the guide on the forge, linked); who reads
    the messages; no Git vocabulary on the way."""
    html = (site / "contribuer.html").read_text("utf-8")
    article = html[html.index("<article") : html.index("</article>")]
    doors = ("Raconter votre expérience", "Améliorer une fiche", "Rejoindre l'équipe", "Qui lit vos messages")
    for heading in doors:
        assert f">{heading}<" in article, heading
    assert 'href="raconter.html"' in article
    assert 'href="outils/gabarit-retour-experience.html"' in article
    assert 'href="https://framagit.org/terreau/terreau/-/blob/main/CONTRIBUTING.md"' in article
    text = re.sub(r"<[^>]+>", " ", article).lower()
    for jargon in ("forge", "dépôt", "demande de fusion", "git ", "terreau valider", "docs/"):
        assert jargon not in text, jargon


def test_who_reads_the_messages_is_a_setting(tmp_path: Path) -> None:
    said = "Deux bénévoles de l'association lisent les messages chaque lundi ; comptez deux semaines."
    build_site(ROOT / "docs", tmp_path / "site", reponse=said)
    for page in ("contribuer.html", "raconter.html"):
        assert said.replace("'", "&#39;") in (tmp_path / "site" / page).read_text("utf-8"), page


def test_the_paper_form_is_linked_from_the_online_form(site: Path) -> None:
    html = (site / "raconter.html").read_text("utf-8")
    assert 'href="outils/gabarit-retour-experience.html"' in html
    assert (site / "outils" / "gabarit-retour-experience.html").is_file()
