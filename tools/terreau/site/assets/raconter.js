/* Terreau: « Raconter votre expérience » (raconter.html), loaded by terreau.js on that page only.
 *
 * The page holds the forms' description (#terreau-raconter-donnees, made by
 * terreau/contribute/raconter.py): for each question, the rules the models check and the
 * problem catalogue's messages. This script checks the answers with them as one types, keeps
 * a draft in the browser, writes the card file (YAML front matter, then the text) and offers
 * three ways to send it: e-mail (between the markers `terreau importer-courriel` reads), the
 * forge's new-file page, or a download.
 */
(function () {
  "use strict";

  var root = document.getElementById("terreau-raconter");
  var D = JSON.parse(document.getElementById("terreau-raconter-donnees").textContent);
  var STORE = "terreau-raconter";
  var MAILTO_MAX = 1800; // longer mailto: addresses break in some mail programs
  var preview = document.getElementById("terreau-apercu");
  var output = document.getElementById("terreau-apercu-texte");
  var said = document.getElementById("terreau-raconter-annonce");
  var communes = {}; // form id → the commune picked in the official list
  var touched = {};
  var last = null; // {text, path} of the last preview

  /* Python's \w is Unicode-aware, JavaScript's is not, even with the u flag: said explicitly. */
  function pattern(source, flags) {
    return new RegExp(source.replace(/\\w/g, "\\p{L}\\p{N}_").replace(/\\d/g, "\\p{Nd}"), flags + "u");
  }
  var EMAIL = pattern(D.courriel, "g");
  var PHONE = pattern(D.telephone, "g");

  function format(template, params) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return k in params ? String(params[k]) : m; });
  }
  function capital(text) { return text.charAt(0).toUpperCase() + text.slice(1); }
  /* A catalogue message and its hint, as `terreau valider` shows them. */
  function said_(pair, params) {
    return capital(format(pair[0], params)) + ". " + format(pair[1], params);
  }
  function message(code, params) { return said_(D.messages[code], params); }
  function value(kind, params) {
    var pair = D.limites[kind];
    return message("VALEUR", { detail: format(pair[0], params), conseil: format(pair[1], params) });
  }

  /* --- Reading the answers --------------------------------------------------------------- */

  function forms() { return Array.prototype.slice.call(root.querySelectorAll("form.terreau-forme")); }
  function specOf(form) { return D.formes[form.getAttribute("data-forme")]; }
  function blockOf(form, champ) { return form.querySelector('.terreau-champ[data-champ="' + champ + '"]'); }
  function kindOf(form) {
    var spec = specOf(form);
    if (spec.modele) return spec.modele;
    return form.elements.type.value || "";
  }
  function applies(form, c) {
    var kind = kindOf(form);
    return !specOf(form).modele && !kind ? c.types.length === 3 : c.types.indexOf(kind) >= 0;
  }
  function lines(text) {
    return text.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
  }

  /* The answer to one question: a text, a list of texts, or a list of sources. */
  function answer(form, c) {
    var block = blockOf(form, c.champ);
    if (c.forme === "cases" || c.forme === "fiches") {
      return Array.prototype.slice.call(block.querySelectorAll("input:checked")).map(function (i) { return i.value; });
    }
    if (c.forme === "sources") {
      var titles = block.querySelectorAll('input[name="sources.titre"]');
      var urls = block.querySelectorAll('input[name="sources.url"]');
      var list = [];
      for (var i = 0; i < titles.length; i++) {
        var t = titles[i].value.trim(), u = urls[i].value.trim();
        if (t || u) list.push({ titre: t, url: u, n: i });
      }
      return list;
    }
    if (c.forme === "lignes") return lines(block.querySelector("textarea").value);
    return block.querySelector("input, textarea, select").value.trim();
  }

  /* --- Checking, with the models' rules and the catalogue's messages ----------------------- */

  /* A character the loader refuses (core/hygiene.py), shown as `terreau valider` shows it. */
  function refused(text, body) {
    var invisible = body ? D.invisibles_corps : D.invisibles;
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      if (D.controles.indexOf(code) < 0 && invisible.indexOf(code) < 0) continue;
      var hex = ("000" + code.toString(16).toUpperCase()).slice(-4);
      var shown = (D.noms[hex] ? D.noms[hex] + ", " : "") + "U+" + hex;
      return D.controles.indexOf(code) >= 0 ? message("CARACTERE_CONTROLE", { caractere: shown, ici: "" })
        : message("CARACTERE_INVISIBLE", { caractere: shown });
    }
    return null;
  }

  function contact(text, body) {
    var bad = refused(text, body);
    if (bad) return bad;
    EMAIL.lastIndex = 0;
    var m = EMAIL.exec(text);
    if (m) return message("CONTACT_PERSONNEL", { valeur: m[0] });
    PHONE.lastIndex = 0;
    while ((m = PHONE.exec(text))) {
      var before = m.index ? text.charAt(m.index - 1) : " ";
      if (!(/\p{Nd}/u.test(before) || D.pas_apres.indexOf(before) >= 0)) {
        return message("TELEPHONE", { valeur: m[0] });
      }
    }
    return null;
  }

  function text(rules, v, c) {
    if (rules.maxLength !== undefined && v.length > rules.maxLength) {
      return value("string_too_long", { longueur: v.length, max_length: rules.maxLength });
    }
    if (rules.pattern && v && !new RegExp(rules.pattern).test(v)) {
      var pair = D.motifs[rules.motif];
      return message("VALEUR", { detail: format(pair[0], { valeur: v }), conseil: format(pair[1], { valeur: v }) });
    }
    if (rules.minimum !== undefined || rules.maximum !== undefined) {
      if (!/^[0-9]+$/.test(v)) {
        return message("TYPE", { attendu: D.entier[0], trouve: format(D.texte, { texte: v }), conseil: D.entier[1] });
      }
      if (rules.minimum !== undefined && +v < rules.minimum) return value("greater_than_equal", { valeur: v, ge: rules.minimum });
      if (rules.maximum !== undefined && +v > rules.maximum) return value("less_than_equal", { valeur: v, le: rules.maximum });
    }
    return contact(v, c && c.champ === "corps");
  }

  function missing(c) {
    return message("CHAMP_MANQUANT", { champ: c.question.replace(/\s*[?:]$/, ""), description: c.description || c.aide || "" });
  }

  /* The first problem with one answer, or null. */
  function check(form, c) {
    if (!applies(form, c)) return null;
    var rules = c.regles, v = answer(form, c);
    var empty = Array.isArray(v) ? !v.length : !v;
    if (empty) return rules.requis ? missing(c) : null;
    if (c.forme === "sources") {
      for (var i = 0; i < v.length; i++) {
        if (!v[i].titre) return missing({ question: "Titre du document " + (v[i].n + 1), description: "" });
        var problem = text(c.sous_champs.titre, v[i].titre) || (v[i].url && text(c.sous_champs.url, v[i].url));
        if (problem) return problem;
      }
    } else if (Array.isArray(v)) {
      if (rules.minItems !== undefined && v.length < rules.minItems) {
        return value("too_short", { actual_length: v.length, min_length: rules.minItems });
      }
      for (var k = 0; k < v.length; k++) {
        var p = text({ maxLength: rules.item_maxLength }, v[k]);
        if (p) return p;
      }
    } else {
      return text(rules, v, c);
    }
    return null;
  }

  function show(form, c, problem) {
    var block = blockOf(form, c.champ);
    var id = form.getAttribute("data-forme") + "-" + c.champ.replace(/\./g, "-");
    var out = document.getElementById(id + "-erreur");
    var target = document.getElementById(id) || block.querySelector("input, textarea, select");
    out.textContent = problem || "";
    out.hidden = !problem;
    if (problem) target.setAttribute("aria-invalid", "true"); else target.removeAttribute("aria-invalid");
  }

  function checkAll(form) {
    var problems = [];
    specOf(form).champs.forEach(function (c) {
      var p = check(form, c);
      show(form, c, p);
      if (p) problems.push({ c: c, p: p });
    });
    return problems;
  }

  function summary(form, problems) {
    var box = document.getElementById(form.id + "-erreurs");
    box.textContent = "";
    box.hidden = !problems.length;
    if (!problems.length) return;
    var h = document.createElement("p");
    h.textContent = problems.length === 1 ? "Une réponse est à revoir avant d'envoyer la fiche :"
      : problems.length + " réponses sont à revoir avant d'envoyer la fiche :";
    box.appendChild(h);
    var ul = document.createElement("ul");
    problems.forEach(function (x) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#" + form.getAttribute("data-forme") + "-" + x.c.champ.replace(/\./g, "-");
      // The message alone; its advice is next to the field.
      a.textContent = x.c.question.replace(/\s*[?:]$/, "") + " : " + x.p.split(". ")[0];
      li.appendChild(a);
      ul.appendChild(li);
    });
    box.appendChild(ul);
    box.focus();
  }

  /* --- The card file ----------------------------------------------------------------------- */

  /* A YAML double-quoted scalar: every string is quoted, so nothing in it (« : », « # », a
   * leading dash or quote, « yes », a number) can change its meaning; backslash, quote and
   * control characters escaped. No anchor, alias or tag is ever written. */
  function quoted(s) {
    return '"' + s.replace(/[\\"\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/g, function (ch) {
      if (ch === "\\" || ch === '"') return "\\" + ch;
      if (ch === "\n") return "\\n";
      if (ch === "\t") return "\\t";
      return "\\u" + ("000" + ch.charCodeAt(0).toString(16)).slice(-4);
    }) + '"';
  }
  function scalar(v) { return typeof v === "number" ? String(v) : quoted(v); }

  function yaml(obj, indent) {
    var pad = new Array(indent + 1).join(" ");
    var out = "";
    Object.keys(obj).forEach(function (key) {
      var v = obj[key];
      if (Array.isArray(v)) {
        out += pad + key + ":\n";
        v.forEach(function (item) {
          if (typeof item === "object") {
            var inner = yaml(item, indent + 4);
            out += pad + "  - " + inner.slice(indent + 4);
          } else {
            out += pad + "  - " + scalar(item) + "\n";
          }
        });
      } else if (typeof v === "object") {
        out += pad + key + ":\n" + yaml(v, indent + 2);
      } else {
        out += pad + key + ": " + scalar(v) + "\n";
      }
    });
    return out;
  }

  function put(obj, path, v) {
    var keys = path.split(".");
    for (var i = 0; i < keys.length - 1; i++) obj = obj[keys[i]] = obj[keys[i]] || {};
    obj[keys[keys.length - 1]] = v;
  }

  /* The card's front matter (in the model's order of questions) and its text. */
  function card(form) {
    var spec = specOf(form);
    var kind = kindOf(form);
    var meta = { type: kind };
    var body = "";
    spec.champs.forEach(function (c) {
      if (!applies(form, c) || c.champ === "type") return;
      var v = answer(form, c);
      if (Array.isArray(v) ? !v.length : !v) return;
      if (c.champ === "corps") { body = v; return; }
      if (c.forme === "commune") {
        put(meta, c.champ, v);
        var picked = communes[spec.id];
        if (picked && terreauCommunes.label(picked) === v) {
          put(meta, c.champ, picked.nom);
          meta.lieu.communes = [{ nom: picked.nom, insee: picked.code }];
        }
        return;
      }
      if (c.champ === "lieu.communes.population") {
        var one = meta.lieu && meta.lieu.communes && meta.lieu.communes[0];
        var official = communes[spec.id] && communes[spec.id].population;
        if (one && /^[0-9]+$/.test(v) && +v !== official) {
          one.population = +v;
          one.annee_population = new Date().getFullYear();
        }
        return;
      }
      if (c.champ === "placement") {
        var parts = v.split("|");
        meta.axe = parts[0]; meta.orientation = parts[1]; meta.objectif = parts[2];
        return;
      }
      if (c.champ === "etapes") v = v.map(function (t) { return { titre: t }; });
      if (c.forme === "sources") {
        v = v.map(function (s) { var o = { titre: s.titre }; if (s.url) o.url = s.url; return o; });
      }
      if (c.forme === "nombre") v = parseInt(v, 10);
      put(meta, c.champ, v);
    });
    Object.keys(spec.fixe).forEach(function (k) { meta[k] = spec.fixe[k]; });
    var text = "---\n" + yaml(meta, 0) + "---\n";
    if (body) text += "\n" + body.replace(/\r\n?/g, "\n").trim() + "\n";
    var name = terreauCommunes.fold(meta.titre || "").replace(/ /g, "-").slice(0, 60).replace(/-+$/, "") || "fiche";
    return { text: text, name: name + ".md", path: D.docs + "/" + D.dossiers[kind] + "/" + name + ".md", titre: meta.titre };
  }

  /* As terreau/contribute/courriel.py's body(): an introduction, then the card between the markers. */
  function mailBody(text) {
    return "Bonjour,\n\nVoici une fiche pour Terreau, écrite avec le formulaire du site.\n\n"
      + D.debut + "\n" + text + D.fin + "\n";
  }

  function offer(form) {
    var made = card(form);
    last = made;
    output.value = made.text;
    var mail = document.getElementById("terreau-courriel");
    if (mail) {
      var href = "mailto:" + D.contact + "?subject=" + encodeURIComponent("Terreau : " + made.titre)
        + "&body=" + encodeURIComponent(mailBody(made.text));
      var long = href.length > MAILTO_MAX;
      mail.href = long ? "mailto:" + D.contact : href;
      document.getElementById("terreau-courriel-lien").hidden = long;
      document.getElementById("terreau-courriel-long").hidden = !long;
    }
    var forge = document.getElementById("terreau-forge");
    if (forge) {
      forge.href = D.forge.replace("FICHIER", encodeURIComponent(made.path)) + encodeURIComponent(made.text);
    }
    preview.hidden = false;
    var heading = document.getElementById("terreau-apercu-titre");
    heading.scrollIntoView({ block: "start" });
    heading.focus({ preventScroll: true });
  }

  /* --- The draft, kept in this browser ----------------------------------------------------- */

  function save() {
    var kept = { forme: current().getAttribute("data-forme"), champs: {}, communes: communes };
    forms().forEach(function (form) {
      var values = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.id && el.type !== "checkbox") return;
        if (el.type === "checkbox") {
          if (el.checked) values[el.name + "=" + el.value] = true;
        } else if (el.value) {
          values[el.id] = el.value;
        }
      });
      kept.champs[form.getAttribute("data-forme")] = values;
    });
    terreauStockage.put(STORE, JSON.stringify(kept));
  }

  function restore() {
    var kept;
    try { kept = JSON.parse(terreauStockage.get(STORE) || "null"); } catch (e) { kept = null; }
    if (!kept) return null;
    communes = kept.communes || {};
    forms().forEach(function (form) {
      var values = (kept.champs || {})[form.getAttribute("data-forme")] || {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.type === "checkbox") el.checked = !!values[el.name + "=" + el.value];
        else if (el.id && values[el.id] !== undefined) el.value = values[el.id];
      });
    });
    return kept.forme;
  }

  /* --- The page ------------------------------------------------------------------------------ */

  var choice = Array.prototype.slice.call(root.querySelectorAll('input[name="terreau-forme"]'));
  function current() {
    var on = choice.filter(function (r) { return r.checked; })[0];
    return document.getElementById("terreau-forme-" + (on ? on.value : "retour"));
  }
  function switchTo(id) {
    choice.forEach(function (r) { r.checked = r.value === id; });
    forms().forEach(function (form) { form.hidden = form.getAttribute("data-forme") !== id; });
    preview.hidden = true;
  }
  function showTypes(form) {
    specOf(form).champs.forEach(function (c) { blockOf(form, c.champ).hidden = !applies(form, c); });
  }

  forms().forEach(function (form) {
    var spec = specOf(form);
    spec.champs.forEach(function (c) {
      var block = blockOf(form, c.champ);
      var key = spec.id + " " + c.champ;
      block.addEventListener("input", function () {
        if (touched[key]) { show(form, c, check(form, c)); return; }
        // Before the field is left, only what must never be published is said at once.
        var v = applies(form, c) ? answer(form, c) : "";
        var flat = Array.isArray(v) ? v.map(function (x) { return typeof x === "object" ? x.titre + "\n" + x.url : x; }).join("\n") : v;
        show(form, c, contact(flat, c.champ === "corps"));
      });
      block.addEventListener("change", function () { touched[key] = true; show(form, c, check(form, c)); });
      block.addEventListener("focusout", function (e) {
        if (block.contains(e.relatedTarget)) return;
        touched[key] = true;
        show(form, c, check(form, c));
      });
      if (c.forme === "commune") {
        var id = spec.id + "-" + c.champ.replace(/\./g, "-");
        var input = document.getElementById(id);
        var status = document.getElementById(id + "-etat");
        var population = form.querySelector('[data-champ="lieu.communes.population"] input');
        terreauCommunes.field(input, document.getElementById(id + "-liste"), status, function (picked) {
          communes[spec.id] = picked;
          input.value = terreauCommunes.label(picked);
          status.textContent = picked.code ? "Code INSEE " + picked.code
            + (picked.population !== null ? " ; " + picked.population.toLocaleString("fr-FR") + " habitants (INSEE, " + D.annee_population + ")." : ".") : "";
          if (population && picked.population !== null) population.value = String(picked.population);
          save();
        }, function () { delete communes[spec.id]; });
      }
    });
    form.addEventListener("input", save);
    form.addEventListener("change", function () { save(); showTypes(form); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var problems = checkAll(form);
      summary(form, problems);
      if (problems.length) { preview.hidden = true; return; }
      offer(form);
    });
    form.querySelector(".terreau-effacer").addEventListener("click", function () {
      terreauStockage.put(STORE, "");
      communes = {};
      touched = {};
      forms().forEach(function (f) {
        f.reset();
        specOf(f).champs.forEach(function (c) { show(f, c, null); });
        document.getElementById(f.id + "-erreurs").hidden = true;
        showTypes(f);
      });
      root.querySelectorAll('[id$="-etat"]').forEach(function (p) { p.textContent = ""; });
      preview.hidden = true;
      said.textContent = "Le brouillon est effacé.";
    });
    showTypes(form);
  });

  choice.forEach(function (r) { r.addEventListener("change", function () { switchTo(r.value); save(); }); });

  document.getElementById("terreau-copier").addEventListener("click", function () {
    // Selected in any case: where the clipboard is refused, the person copies it by hand.
    output.focus();
    output.select();
    function selected() {
      said.textContent = "Le texte est sélectionné : copiez-le (Ctrl+C, ou appui long sur un téléphone).";
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(output.value).then(function () {
        said.textContent = "Le texte de la fiche est copié : collez-le où vous voulez l'envoyer.";
      }, selected);
    } else {
      selected();
    }
  });

  document.getElementById("terreau-telecharger").addEventListener("click", function () {
    if (!last) return;
    var a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([last.text], { type: "text/markdown;charset=utf-8" }));
    a.download = last.name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    said.textContent = "Le fichier « " + last.name + " » est enregistré dans vos téléchargements.";
  });

  var wanted = restore() || "retour";
  var params = new URLSearchParams(window.location.search);
  var fiche = params.get("fiche");
  if (fiche) {
    var box = document.querySelector('#terreau-forme-retour input[name="fiches"][value="' + CSS.escape(fiche) + '"]');
    if (box) {
      box.checked = true;
      box.closest("details").open = true;
      wanted = "retour";
      save();
    }
  }
  switchTo(wanted);
  forms().forEach(showTypes);
  document.documentElement.classList.add("terreau-js");
  root.setAttribute("data-pret", "oui");
})();
