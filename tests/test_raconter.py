"""« Raconter votre expérience » (raconter.html): a member of an association that ran a café
réparation, who has never used Git, tells what they did from a phone, maybe offline, and sends
the card by e-mail, on the forge or on a USB stick.

The site is built for real with a contact address; the form is filled in chromium at phone
size as that person would; what the browser writes is read back by Terreau's own loader and
by `terreau importer-courriel`."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import PUBLISHED, ROOT, SESSION_CACHE
from mkdocs.commands.build import build
from mkdocs.config import load_config
from terreau.cli import main
from terreau.contribute import raconter
from terreau.contribute.courriel import BEGIN, END
from terreau.core import content_checks
from terreau.core.forge import Forge
from terreau.core.loader import load_bytes
from terreau.core.models import MODELS, Retour

CONTACT = "contact@terreau.exemple.fr"
PHONE = {"width": 360, "height": 740}


# --- The description: rules read from the models, nothing written twice -------------------------


def test_the_rules_are_the_models() -> None:
    retour = {c["champ"]: c for c in raconter.describe("retour")["champs"]}
    assert retour["titre"]["regles"] == {"minLength": 1, "maxLength": 120, "requis": True}
    assert retour["periode.debut"]["regles"]["motif"] == "periode"
    assert re.fullmatch(retour["periode.debut"]["regles"]["pattern"], "2024-03")
    assert retour["fiches"]["regles"]["minItems"] == 1
    assert retour["sources"]["sous_champs"]["url"]["motif"] == "url"
    assert retour["periode.fin"]["regles"].get("requis") is None


@pytest.mark.parametrize("form", ["retour", "idee"])
def test_every_required_field_is_asked_or_set(form: str) -> None:
    """A card from the form passes `terreau valider`: each required field of the model is a
    question, or a value the person cannot know, set as the maintainers expect."""
    described = raconter.describe(form)
    kinds = ["retour"] if form == "retour" else list(raconter.IDEA_KINDS)
    for kind in kinds:
        asked = {c["champ"].split(".")[0] for c in described["champs"] if kind in c["types"]}
        if "placement" in asked:
            asked |= {"axe", "orientation", "objectif"}
        covered = asked | set(described["fixe"]) | {"type"}
        required = {name for name, f in MODELS[kind].model_fields.items() if f.is_required()}
        assert required <= covered, (kind, required - covered)
    if form == "retour":
        assert described["fixe"] == {"verification": "a-verifier"}


def test_the_forge_new_file_page() -> None:
    text = 'titre: "Café : #1"\nété 🔧\n'
    github = urllib.parse.urlsplit(Forge("https://github.com/t/t").new_file("docs/retours/x.md", text))
    assert github.path == "/t/t/new/main"
    assert urllib.parse.parse_qs(github.query) == {"filename": ["docs/retours/x.md"], "value": [text]}
    gitlab = urllib.parse.urlsplit(Forge("https://framagit.org/t/t").new_file("docs/retours/x.md", text))
    assert gitlab.path == "/t/t/-/new/main"
    assert urllib.parse.parse_qs(gitlab.query) == {"file_name": ["docs/retours/x.md"], "content": [text]}


# --- In the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def told(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped docs/ built with a contact address (the session's site has none)."""
    out = tmp_path_factory.mktemp("raconter")
    config = load_config(config_file=str(ROOT / "mkdocs.yml"), docs_dir=str(ROOT / "docs"), site_dir=str(out))
    terreau = config.plugins["terreau"].config  # type: ignore[attr-defined]
    terreau.pdf = False
    terreau.cache = str(SESSION_CACHE)
    terreau.contact = CONTACT
    terreau.forge = "https://framagit.org/terreau/terreau"
    build(config)
    return out


@pytest.fixture
def phone(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    page.foreign = []  # requests to any other host, or anything else than file://
    page.on("request", lambda r: r.url.startswith("file://") or page.foreign.append(r.url))
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def open_form(page, site: Path, query: str = "") -> None:  # type: ignore[no-untyped-def]
    page.goto(f"file://{site}/raconter.html{query}")
    page.wait_for_selector("#terreau-raconter[data-pret='oui']")


def fill_record(page, titre: str = "Un café réparation à Léaz") -> None:  # type: ignore[no-untyped-def]
    """As the persona would: the commune's name, then the questions in order."""
    page.get_by_label("Quel titre donner à votre récit ?").fill(titre)
    page.get_by_label("Où ?").fill("Léaz")
    page.wait_for_function(
        "() => document.getElementById('retour-lieu-nom-etat').textContent.includes('01209')"
    )
    page.get_by_label("Quand avez-vous commencé ?").fill("2024-03")
    page.get_by_label("Quelle association ou structure l'a porté ?").fill("Association Répar'Tout")
    page.get_by_label("En trois lignes, c'était quoi ?").fill(
        "Un samedi par mois, des bénévoles réparent avec les habitants ; la mairie prête la salle."
    )
    page.get_by_label("Qu'avez-vous fait ?").fill("Nous avons ouvert la salle des fêtes.\n\nPuis le café.")
    page.get_by_label("Qu'est-ce qui a marché ?").fill("L'accueil autour d'un café\nLes jeunes sont venus")
    page.get_by_label("Qu'est-ce qui a coincé ?").fill("Trouver des pièces")
    page.get_by_label("Titre du document 1").fill("Récit de l'association Répar'Tout")


def preview(page) -> str:  # type: ignore[no-untyped-def]
    page.locator("#terreau-forme-retour").get_by_role(
        "button", name="Relire la fiche avant de l'envoyer"
    ).click()
    page.wait_for_selector("#terreau-apercu:not([hidden])")
    return str(page.input_value("#terreau-apercu-texte"))


def loaded(text: str, folder: str = "retours", reminders: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """The card as the validator reads it: no problem but the warnings ``reminders``."""
    card, problems = load_bytes(text.encode("utf-8"), f"{folder}/essai.md", f"docs/{folder}/essai.md")
    assert [p.format_text() for p in problems if p.code not in reminders] == []
    assert card is not None
    return card


pytestmark = pytest.mark.browser


def test_a_record_told_on_a_phone_is_a_valid_card_sent_three_ways(told: Path, phone) -> None:  # type: ignore[no-untyped-def]
    page = phone
    open_form(page, told, "?fiche=enquete-collective")
    # The card the person came from is ticked, in the list of the site's cards.
    assert page.locator('#terreau-forme-retour input[name="fiches"]:checked').evaluate_all(
        "els => els.map(e => e.value)"
    ) == ["enquete-collective"]
    # A required field left empty says so in French, next to it, as `terreau valider` would.
    title = page.get_by_label("Quel titre donner à votre récit ?")
    title.focus()
    title.blur()
    error = page.locator("#retour-titre-erreur")
    assert error.inner_text().startswith("Champ obligatoire absent.")
    assert title.get_attribute("aria-invalid") == "true"
    assert "retour-titre-erreur" in (title.get_attribute("aria-describedby") or "")
    # An e-mail address typed in a text is refused at once, with the catalogue's words.
    page.get_by_label("En trois lignes, c'était quoi ?").fill("Écrivez à camille.martin@exemple.fr")
    assert (
        page.locator("#retour-resume-erreur")
        .inner_text()
        .startswith("Coordonnées personnelles (« camille.martin@exemple.fr »)")
    )
    # The commune's name gives its INSEE code and its population, from the official list.
    fill_record(page)
    assert page.input_value("#retour-lieu-communes-population") == "912"
    assert not error.is_visible()
    text = preview(page)
    assert page.locator("#terreau-forme-retour-erreurs").is_hidden()
    card = loaded(text)
    assert isinstance(card.meta, Retour)
    assert card.meta.lieu.communes[0].insee == "01209"
    assert card.meta.lieu.communes[0].population is None  # the official figure is not copied
    assert card.meta.fiches == ["enquete-collective"]
    assert card.meta.verification == "a-verifier"
    assert "Puis le café." in card.body
    # By e-mail: the card between the markers `terreau importer-courriel` reads.
    mailto = page.get_attribute("#terreau-courriel", "href")
    address, query = mailto.split("?", 1)
    assert address == f"mailto:{CONTACT}"
    mail = urllib.parse.parse_qs(query)["body"][0]
    assert f"{BEGIN}\n{text}{END}\n" in mail
    # On the forge, for those with an account: its new-file page, prefilled.
    forge = urllib.parse.urlsplit(page.get_attribute("#terreau-forge", "href"))
    assert forge.netloc == "framagit.org" and forge.path == "/terreau/terreau/-/new/main"
    assert urllib.parse.parse_qs(forge.query) == {
        "file_name": ["docs/retours/un-cafe-reparation-a-leaz.md"],
        "content": [text],
    }
    # On a USB stick: the same text, downloaded.
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger le fichier").click()
    assert download.value.suggested_filename == "un-cafe-reparation-a-leaz.md"
    assert Path(download.value.path()).read_text("utf-8") == text
    # Nothing is lost when the tab is closed: the draft is kept in this browser.
    page.reload()
    page.wait_for_selector("#terreau-raconter[data-pret='oui']")
    assert page.get_by_label("Quel titre donner à votre récit ?").input_value() == "Un café réparation à Léaz"
    assert page.get_by_label("Qu'est-ce qui a coincé ?").input_value() == "Trouver des pièces"
    assert preview(page) == text
    page.get_by_role("button", name="Effacer le brouillon").first.click()
    page.reload()
    page.wait_for_selector("#terreau-raconter[data-pret='oui']")
    assert page.get_by_label("Quel titre donner à votre récit ?").input_value() == ""
    assert page.foreign == [] and page.errors == []


def test_a_missing_answer_is_listed_at_the_top_on_submit(told: Path, phone) -> None:  # type: ignore[no-untyped-def]
    open_form(phone, told)
    phone.locator("#terreau-forme-retour").get_by_role(
        "button", name="Relire la fiche avant de l'envoyer"
    ).click()
    summary = phone.locator("#terreau-forme-retour-erreurs")
    assert summary.is_visible()
    assert phone.evaluate("document.activeElement.id") == "terreau-forme-retour-erreurs"
    items = summary.locator("li").all_inner_texts()
    assert "Où : Champ obligatoire absent" in items
    assert any("Quelles fiches avez-vous utilisées" in i and "Champ obligatoire absent" in i for i in items)
    assert phone.locator("#terreau-apercu").is_hidden()


TRICKY = 'Le café "Répar\'Tout" : 100 % # local\\ — été 🔧'


def test_tricky_text_is_written_as_yaml_the_loader_reads_back(told: Path, phone) -> None:  # type: ignore[no-untyped-def]
    page = phone
    open_form(page, told, "?fiche=enquete-collective")
    # An emoji made of several (joined by an invisible character) is refused in a title, as
    # `terreau valider` refuses it, and allowed in the text.
    page.get_by_label("Quel titre donner à votre récit ?").fill("Les 👩‍🌾")
    assert "U+200D" in page.locator("#retour-titre-erreur").inner_text()
    fill_record(page, titre=TRICKY)
    page.get_by_label("Qu'avez-vous fait ?").fill("Avec les 👩‍🌾 du coin :\n\n---\n\n# Titre ?\n\\ fin")
    page.get_by_label("Quelle association ou structure l'a porté ?").fill("- yes: no # &ancre *alias !tag")
    page.get_by_label("Qu'est-ce qui a marché ?").fill('"guillemets"\n: deux-points\n#dièse\nnull\n2024')
    page.get_by_label("En trois lignes, c'était quoi ?").fill("Première ligne,\nseconde ligne : « fin ».")
    card = loaded(preview(page))
    assert card.meta.titre == TRICKY
    assert card.meta.structure_porteuse == "- yes: no # &ancre *alias !tag"
    assert card.meta.ce_qui_a_marche == ['"guillemets"', ": deux-points", "#dièse", "null", "2024"]
    assert card.meta.resume == "Première ligne,\nseconde ligne : « fin »."
    assert card.body == "\nAvec les 👩‍🌾 du coin :\n\n---\n\n# Titre ?\n\\ fin\n"


@pytest.mark.parametrize(
    "text",
    [
        "Écrivez à jérôme.dupont@exemple.fr demain",
        "Appelez le 06 12 34 56 78",
        "+33 6 12 34 56 78",
        "Voir https://exemple.fr/0612345678",
        "Dossier 10612345678",
        "Rien de personnel ici : 2024, 35 personnes.",
    ],
)
def test_contact_data_is_found_as_terreau_valider_finds_it(told: Path, phone, text: str) -> None:  # type: ignore[no-untyped-def]
    """The same patterns (content_checks'), exported: the form and `terreau valider` agree."""
    found = list(content_checks._emails(text)) or list(content_checks._phones(text))
    open_form(phone, told)
    phone.get_by_label("Qu'avez-vous fait ?").fill(text)
    error = phone.locator("#retour-corps-erreur")
    if found:
        assert f"(« {found[0].group(0)} »)" in error.inner_text()
    else:
        assert error.is_hidden()


def test_an_email_sent_from_the_form_is_imported(
    told: Path, phone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    open_form(phone, told, "?fiche=enquete-collective")
    fill_record(phone)
    preview(phone)
    query = phone.get_attribute("#terreau-courriel", "href").split("?", 1)[1]
    fields = urllib.parse.parse_qs(query)
    message = EmailMessage()
    message["Subject"] = fields["subject"][0]
    message["From"] = "Camille <camille@exemple.fr>"
    message["To"] = CONTACT
    message.set_content(fields["body"][0])
    saved = tmp_path / "courriel.eml"
    saved.write_bytes(bytes(message))
    docs = tmp_path / "docs"
    import shutil

    shutil.copytree(ROOT / "docs", docs)
    monkeypatch.chdir(tmp_path)
    assert main(["importer-courriel", str(saved)]) == 0
    written = docs / "retours/un-cafe-reparation-a-leaz.md"
    assert written.read_text("utf-8") == phone.input_value("#terreau-apercu-texte")
    assert main(["valider"]) == 0


def test_a_long_card_is_copied_rather_than_mailed(told: Path, phone) -> None:  # type: ignore[no-untyped-def]
    open_form(phone, told, "?fiche=enquete-collective")
    fill_record(phone)
    phone.get_by_label("Qu'avez-vous fait ?").fill("Une longue histoire. " * 120)
    preview(phone)
    assert phone.locator("#terreau-courriel-lien").is_hidden()
    advice = phone.locator("#terreau-courriel-long")
    assert advice.is_visible() and CONTACT in advice.inner_text()
    phone.get_by_role("button", name="Copier le texte").click()
    # Copied where the browser allows it; selected in any case, for the person to copy.
    selected = phone.evaluate(
        "() => { const t = document.getElementById('terreau-apercu-texte');"
        " return t.selectionEnd - t.selectionStart; }"
    )
    assert selected == len(phone.input_value("#terreau-apercu-texte"))
    phone.wait_for_function("() => document.getElementById('terreau-raconter-annonce').textContent")
    assert re.search("copié|copiez-le", phone.inner_text("#terreau-raconter-annonce"))


@pytest.mark.parametrize(
    ("kind", "extra"),
    [("methode", {"Quelles sont les étapes ?": "Inviter\nRéparer ensemble"}), ("outil", {}), ("action", {})],
)
def test_a_new_card_idea_is_a_valid_card(told: Path, phone, kind: str, extra: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    page = phone
    open_form(page, told)
    page.get_by_role("radio", name="Proposer une idée de fiche").check()
    form = page.locator("#terreau-forme-idee")
    assert form.is_visible() and page.locator("#terreau-forme-retour").is_hidden()
    form.get_by_label("Qu'est-ce que vous proposez ?").select_option(kind)
    form.get_by_label("Quel titre lui donner ?").fill("Café réparation")
    form.get_by_label("En trois lignes, c'est quoi ?").fill(
        "Des bénévoles réparent avec les habitants ; coût faible."
    )
    form.get_by_label("Décrivez l'idée").fill("Un samedi par mois.")
    form.get_by_label("Mobiliser").check()
    form.get_by_role("group", name="Qui peut le porter ?").get_by_label("Association").check()
    form.get_by_label("Tout public").check()
    form.get_by_label("Combien de temps cela prend-il ?").fill("3")
    form.get_by_label("En quelle unité ?").select_option("heure")
    form.get_by_label("Combien cela coûte-t-il ?").select_option("faible")
    form.get_by_label("Est-ce difficile ?").select_option("facile")
    form.get_by_label("Comment l'adapter ailleurs ?").fill("Avec une ressourcerie voisine.")
    for label, value in extra.items():
        form.get_by_label(label).fill(value)
    if kind == "action":
        placement = form.get_by_label("Dans quel objectif de résilience se range l'action ?")
        placement.select_option(index=1)
        form.get_by_label("En combien de temps voit-on le résultat ?").select_option("court")
    else:
        assert form.get_by_label("Dans quel objectif de résilience se range l'action ?").is_hidden()
    form.get_by_role("button", name="Relire la fiche avant de l'envoyer").click()
    page.wait_for_selector("#terreau-apercu:not([hidden])")
    # An action idea has no example nor source yet: the warning reminds the team to add one.
    reminders = ("ACTION_SANS_EXEMPLE",) if kind == "action" else ()
    card = loaded(page.input_value("#terreau-apercu-texte"), folder=f"{kind}s", reminders=reminders)
    assert card.kind == kind and card.meta.maturite == "idee"
    forge = urllib.parse.parse_qs(urllib.parse.urlsplit(page.get_attribute("#terreau-forge", "href")).query)
    assert forge["file_name"] == [f"docs/{kind}s/cafe-reparation.md"]
    assert page.errors == []


def test_without_a_contact_address_no_email_is_offered(site: Path) -> None:
    html = (site / "raconter.html").read_text("utf-8")
    assert "Ce site n'a pas d'adresse de contact configurée" in html
    assert 'id="terreau-courriel"' not in html


def test_every_card_a_record_can_use_invites_its_story(site: Path) -> None:
    html = (site / "methodes/enquete-collective.html").read_text("utf-8")
    assert '<a href="../raconter.html?fiche=enquete-collective">Vous l\'avez essayé ? Racontez-le</a>' in html
    assert "issuable_template=retour" not in html
    # Printed, its code leads to the site's form too (the session's site has a real address).
    assert f"Partager un retour d&#39;expérience : {PUBLISHED}raconter.html?fiche=enquete-collective" in html
    record = next((site / "retours").glob("[!i]*.html")).read_text("utf-8")
    assert "Racontez-le" not in record


def test_the_form_script_loads_on_its_page_only(server: str, page) -> None:  # type: ignore[no-untyped-def]
    """Other pages do not download it (raconter.js: 6.6 KB gzipped)."""
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(server + "methodes/enquete-collective.html")
    page.wait_for_load_state("networkidle")
    assert not [u for u in asked if u.endswith("raconter.js")]
    page.goto(server + "raconter.html")
    page.wait_for_selector("#terreau-raconter[data-pret='oui']")
    assert [u for u in asked if u.endswith("assets/terreau/raconter.js")]


def test_errors_and_preview_pass_axe(told: Path, browser) -> None:  # type: ignore[no-untyped-def]
    """What axe cannot see on a page just opened: the errors shown, then the preview."""
    from test_qualite import AXE, WCAG_TAGS

    context = browser.new_context(locale="fr-FR", viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    open_form(page, told, "?fiche=enquete-collective")

    def violations() -> list[object]:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]

    page.get_by_label("Qu'avez-vous fait ?").fill("Appelez le 06 12 34 56 78")
    page.locator("#terreau-forme-retour").get_by_role(
        "button", name="Relire la fiche avant de l'envoyer"
    ).click()
    assert page.locator("#terreau-forme-retour-erreurs").is_visible()
    assert violations() == []
    fill_record(page)
    preview(page)
    assert violations() == []
    context.close()
