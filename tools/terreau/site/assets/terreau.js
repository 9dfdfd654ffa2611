/* Terreau: the finder (search page). Loads lunr.js, the engine and the facet table when the
 * page opens, then only the index shards a query needs and the card chunks it shows.
 *
 * Data files are scripts, not JSON read with fetch(), so that everything also works from
 * a folder opened over file://. The state (query and ticked facets) lives in the address,
 * as repeated parameters (?q=…&besoins=mobiliser&besoins=agir), which is also what the
 * form sends without JavaScript.
 */
/* The site's root (TERREAU_RACINE), loading a script once (terreauCharger) and the search's
 * scripts (TERREAU_RECHERCHE, terreauChargerRecherche) come from the head script, md-base.js. */
/* ---- compact facet table ----
 * The facet table, its columns decoded once: each facet's codes travel as a string of
 * « largeur » digits of « alphabet » per card, six bits each, lowest first
 * (terreau/derive/finder.py, facet_table). */
var terreauFacettes = function () {
  var table = window.TERREAU_FACETTES;
  if (typeof table.facettes[0].codes === "string") {
    // A digit's value by its character code: typed arrays and char codes, no strings made
    // (a 5,000-card table: 40 ms at 4× CPU slowdown with an object of characters, 4 ms so).
    var digit = new Uint8Array(128);
    for (var d = 0; d < table.alphabet.length; d++) digit[table.alphabet.charCodeAt(d)] = d;
    table.facettes.forEach(function (f) {
      var width = f.largeur, text = f.codes, codes = new Uint32Array(text.length / width);
      for (var i = 0, at = 0; i < codes.length; i++) {
        var mask = 0;
        for (var k = 0; k < width; k++, at++) mask |= digit[text.charCodeAt(at)] << (6 * k);
        codes[i] = mask;
      }
      f.codes = codes;
    });
  }
  return table;
};
/* ---- end of compact facet table ---- */

/* The browser's storage, where it is allowed (file:// in some browsers and private browsing
 * refuse it: then get gives null and put does nothing, without any error). */
var terreauStockage = (function () {
  "use strict";
  function storage() {
    try {
      var s = window.localStorage;
      return s && typeof s.getItem === "function" ? s : null;
    } catch (e) { return null; }
  }
  return {
    get: function (key) {
      var s = storage();
      try { return s ? s.getItem(key) : null; } catch (e) { return null; }
    },
    put: function (key, value) {
      var s = storage();
      try { if (s) s.setItem(key, value); } catch (e) { /* full or refused: memory only */ }
    }
  };
})();

/* The official list of communes (communes-<letter>.js, built by terreau/derive/finder.py and
 * loaded only once someone types a name), shared by the home page and the form « Raconter
 * votre expérience »: a text field with its datalist and its status line. */
var terreauCommunes = (function () {
  "use strict";
  var data = TERREAU_RACINE + "assets/terreau/recherche/";
  var load = terreauCharger;

  /* As terreau/core/communes.py folds names: no accents, case or punctuation; St is Saint. */
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "")
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim().split(" ")
      .map(function (w) { return w === "st" ? "saint" : w === "ste" ? "sainte" : w; }).join(" ");
  }

  function keyOf(folded) {
    var first = folded.charAt(0);
    return /^[a-z0-9]$/.test(first) ? first : "autres";
  }

  var parsed = {};
  function communesOf(key) {
    if (parsed[key]) return Promise.resolve(parsed[key]);
    return Promise.all([load(data + "communes-" + key + ".js"), load(data + "communes-departements.js")])
      .then(function () {
        var names = window.TERREAU_COMMUNES.departements;
        parsed[key] = window.TERREAU_COMMUNES[key].split("\n").map(function (line) {
          var f = line.split("|");
          var dep = /^9[78]/.test(f[0]) ? f[0].slice(0, 3) : f[0].slice(0, 2);
          return { code: f[0], nom: f[1], population: f[2] ? parseInt(f[2], 10) : null,
            departement: dep, nomDepartement: names[dep] || dep, cle: fold(f[1]) };
        });
        return parsed[key];
      });
  }

  function label(c) { return c.nom + " (" + c.nomDepartement + ")"; }

  /* Looks up what is typed in ``input`` as one types: the datalist ``options`` offers the
   * communes whose name starts so, ``said`` tells what was found, ``pick(commune)`` is called
   * once one commune is known ({code, nom, population, departement, nomDepartement}), and
   * ``clear()`` when the field is emptied. */
  function field(input, options, said, pick, clear) {
    var found = []; // the communes the datalist offers
    function lookup() {
      var typed = input.value;
      var folded = fold(typed);
      if (!folded) {
        said.textContent = "";
        options.textContent = "";
        clear();
        return Promise.resolve();
      }
      return communesOf(keyOf(folded)).then(function (rows) {
        if (input.value !== typed) return; // typed on meanwhile
        var byLabel = found.filter(function (c) { return label(c) === typed; })[0];
        if (byLabel) return pick(byLabel);
        var exact = rows.filter(function (c) { return c.cle === folded; });
        var starting = rows.filter(function (c) { return c.cle !== folded && c.cle.indexOf(folded) === 0; });
        found = exact.concat(starting).slice(0, 12);
        options.textContent = "";
        found.forEach(function (c) {
          var o = document.createElement("option");
          o.value = label(c);
          options.appendChild(o);
        });
        if (exact.length === 1) return pick(exact[0]);
        if (exact.length > 1) {
          said.textContent = exact.length + " communes portent ce nom : choisissez la vôtre dans la liste.";
        } else if (!found.length) {
          said.textContent = "Aucune commune de ce nom dans la liste officielle.";
        } else {
          said.textContent = "";
        }
      }).catch(function () {
        said.textContent = "La liste des communes n'a pas pu se charger.";
      });
    }
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, 150);
    });
    return { lookup: lookup, remember: function (c) { found = [c]; } };
  }

  return { fold: fold, label: label, field: field };
})();

/* The kit: an ordered list of card ids, kept in the browser (localStorage « terreau-kit »)
 * and carried in addresses for sharing. One definition for the card pages, the finder and
 * the kit page. Where storage is refused (file:// in some browsers, private browsing), the
 * kit lives in the page and in its address only, without any error. */
var terreauKit = (function () {
  "use strict";
  var KEY = "terreau-kit";
  var KEY_TITLE = "terreau-kit-titre";
  var memory = { ids: [], title: "" };

  function clean(list) {
    var seen = {};
    return (list || []).filter(function (id) {
      if (typeof id !== "string" || !/^[a-z0-9-]+$/.test(id) || seen[id]) return false;
      seen[id] = true;
      return true;
    });
  }
  var get = terreauStockage.get, put = terreauStockage.put;

  var kit = {
    parse: function (text) { return clean(String(text || "").split(",")); },
    read: function () {
      var raw = get(KEY);
      if (raw === null) return memory.ids.slice();
      try { return clean(JSON.parse(raw)); } catch (e) { return []; }
    },
    write: function (ids) {
      memory.ids = clean(ids);
      put(KEY, JSON.stringify(memory.ids));
      return memory.ids.slice();
    },
    title: function () { return get(KEY_TITLE) || memory.title; },
    writeTitle: function (text) { memory.title = text || ""; put(KEY_TITLE, memory.title); },
    has: function (id) { return kit.read().indexOf(id) >= 0; },
    add: function (id) { var ids = kit.read(); if (ids.indexOf(id) < 0) ids.push(id); return kit.write(ids); },
    remove: function (id) { return kit.write(kit.read().filter(function (x) { return x !== id; })); },
    /* The kit page's address for a list (and a title), relative to the site's root. */
    href: function (ids, title) {
      var params = new URLSearchParams();
      if (ids.length) params.set("fiches", ids.join(","));
      if (title) params.set("titre", title);
      var query = params.toString();
      return TERREAU_RACINE + "kit.html" + (query ? "?" + query : "");
    }
  };
  return kit;
})();

/* ---- Axis identity: the chips of a card's axes (icon + name in the axis colour), copied
 * from the page's <template id="terreau-axes-modeles"> (drawn by the axe_badge helper, so
 * there is one definition); which axes a card has comes from the facet table's « axes ». */
var terreauAxes = function (table, pos) {
  var out = document.createElement("span");
  out.className = "terreau-axes";
  var models = document.getElementById("terreau-axes-modeles");
  var facet = table.facettes.filter(function (f) { return f.id === "axes"; })[0];
  if (!models || !facet) return out;
  facet.valeurs.forEach(function (v, i) {
    var chip = (facet.codes[pos] & (1 << i)) && models.content.querySelector("[data-axe='" + v[0] + "']");
    if (!chip) return;
    out.appendChild(document.createTextNode(" "));  // read apart from the kind and each other
    out.appendChild(chip.cloneNode(true));
  });
  return out;
};
/* ---- end of axis identity ---- */

/* On a card page: « Ajouter au kit » / « Retirer du kit », and « Voir le kit (N) ». */
(function () {
  "use strict";
  var box = document.querySelector(".terreau-kit-fiche[data-fiche]");
  if (!box) return;
  var id = box.getAttribute("data-fiche");
  var button = box.querySelector("button");
  var link = box.querySelector("a");
  var status = box.querySelector(".terreau-kit-fiche__etat");

  function show(announce) {
    var ids = terreauKit.read();
    var inKit = ids.indexOf(id) >= 0;
    button.textContent = inKit ? "Retirer du kit" : "Ajouter au kit";
    button.setAttribute("aria-pressed", inKit ? "true" : "false");
    link.textContent = "Voir le kit (" + ids.length + ")";
    link.href = terreauKit.href(ids);
    if (announce) status.textContent = inKit ? "Fiche ajoutée au kit." : "Fiche retirée du kit.";
  }
  button.addEventListener("click", function () {
    if (terreauKit.has(id)) terreauKit.remove(id); else terreauKit.add(id);
    show(true);
  });
  // Back from another tab or from the history: the kit may have changed meanwhile.
  window.addEventListener("pageshow", function () { show(false); });
  window.addEventListener("storage", function () { show(false); });
  show(false);
  box.hidden = false;
})();

/* On a listing page: « Ajouter au kit » on every line, and « Voir le kit (N) » above. */
(function () {
  "use strict";
  var buttons = [].slice.call(document.querySelectorAll(".terreau-liste__kit[data-fiche]"));
  var bar = document.querySelector(".terreau-liste-kit");
  if (!buttons.length || !bar) return;
  var link = bar.querySelector("a");
  var status = bar.querySelector("[role=status]");

  function show(button, ids) {
    var inKit = ids.indexOf(button.getAttribute("data-fiche")) >= 0;
    button.firstChild.textContent = inKit ? "Retirer du kit" : "Ajouter au kit";
    button.setAttribute("aria-pressed", inKit ? "true" : "false");
  }
  function showAll() {
    var ids = terreauKit.read();
    buttons.forEach(function (b) { show(b, ids); });
    link.textContent = "Voir le kit (" + ids.length + ")";
    link.href = terreauKit.href(ids);
    link.hidden = ids.length === 0;
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () {
      var id = b.getAttribute("data-fiche");
      var added = !terreauKit.has(id);
      if (added) terreauKit.add(id); else terreauKit.remove(id);
      showAll();
      status.textContent = added ? "Fiche ajoutée au kit." : "Fiche retirée du kit.";
    });
    b.hidden = false;
  });
  window.addEventListener("pageshow", showAll);
  window.addEventListener("storage", showAll);
  showAll();
})();

(function () {
  "use strict";

  var form = document.getElementById("terreau-recherche");
  if (!form) return;

  var base = TERREAU_RACINE;
  var load = terreauCharger;
  var data = base + "assets/terreau/recherche/";
  var input = document.getElementById("terreau-recherche-champ");
  var panel = document.getElementById("terreau-filtres");
  var status = document.getElementById("terreau-recherche-etat");
  var list = document.getElementById("terreau-recherche-resultats");
  var more = document.getElementById("terreau-plus");
  var PAGE = 20;
  var kit = [];
  var kitLink = document.getElementById("terreau-kit-lien");
  var engine = null;
  var table = null;
  var shown = PAGE;
  var run = 0;

  function checked() {
    var state = {};
    if (!table) return state;
    table.facettes.forEach(function (f) {
      state[f.id] = [].slice.call(panel.querySelectorAll("input[name='" + f.id + "']:checked"))
        .map(function (box) { return box.value; });
    });
    return state;
  }

  function masks(state) {
    var out = {};
    table.facettes.forEach(function (f) {
      var mask = 0;
      f.valeurs.forEach(function (v, i) { if (state[f.id].indexOf(v[0]) >= 0) mask |= 1 << i; });
      out[f.id] = mask;
    });
    return out;
  }

  function passes(pos, mask, except) {
    for (var i = 0; i < table.facettes.length; i++) {
      var f = table.facettes[i];
      if (f.id !== except && mask[f.id] && !(f.codes[pos] & mask[f.id])) return false;
    }
    return true;
  }

  function matches(text) {
    if (!text.trim()) {
      var all = [];
      for (var i = 0; i < table.n; i++) all.push(i);
      return Promise.resolve(all);
    }
    var shards = engine.shardsFor(text);
    return Promise.all(shards.map(function (k) { return load(data + "index-" + k + ".js"); }))
      .then(function () {
        shards.forEach(function (k) { engine.addShard(k, window.TERREAU_TRANCHES[k]); });
        return engine.search(text).map(function (r) { return r[0]; });
      });
  }

  function cardsAt(positions) {
    var chunks = [];
    positions.forEach(function (p) {
      var k = Math.floor(p / table.morceau);
      if (chunks.indexOf(k) < 0) chunks.push(k);
    });
    return Promise.all(chunks.map(function (k) { return load(data + "fiches-" + k + ".js"); }))
      .then(function () {
        return positions.map(function (p) {
          return window.TERREAU_FICHES[Math.floor(p / table.morceau)][p % table.morceau];
        });
      });
  }

  function updateCounts(found, mask) {
    var filtered = table.facettes.some(function (f) { return mask[f.id]; });
    table.facettes.forEach(function (f) {
      // How many found cards have each combination of values, then each value: a query that
      // thousands of cards match costs one pass over them per facet.
      var combinations = new Uint32Array(1 << f.valeurs.length), codes = f.codes;
      for (var k = 0; k < found.length; k++) {
        if (!filtered || passes(found[k], mask, f.id)) combinations[codes[found[k]]]++;
      }
      var counts = f.valeurs.map(function (v, i) {
        var count = 0;
        for (var c = 0; c < combinations.length; c++) if (c & (1 << i)) count += combinations[c];
        return count;
      });
      f.valeurs.forEach(function (v, i) {
        var span = panel.querySelector(".terreau-compte[data-facette='" + f.id + "'][data-valeur='" + v[0] + "']");
        if (span) span.textContent = "(" + counts[i] + ")";
      });
    });
  }

  function idOf(row) {
    return row[1].replace(/^.*\//, "").replace(/\.html$/, "");
  }

  function showKit() {
    kitLink.textContent = "";
    if (!kit.length) return;
    var a = document.createElement("a");
    a.href = terreauKit.href(kit);
    a.textContent = "Imprimer le kit (" + kit.length + (kit.length > 1 ? " fiches)" : " fiche)");
    kitLink.appendChild(a);
  }

  function remember(text, state) {
    var params = new URLSearchParams();
    if (text) params.set("q", text);
    if (kit.length) params.set("kit", kit.join(","));
    table.facettes.forEach(function (f) { state[f.id].forEach(function (v) { params.append(f.id, v); }); });
    var query = params.toString() ? "?" + params.toString() : "";
    if (query === window.location.search) return;  // as the page opened: nothing to change
    try {
      window.history.replaceState(null, "", window.location.pathname + query);
    } catch (e) { /* some browsers refuse it over file:// */ }
  }

  function render(rows, total, text, positions) {
    list.textContent = "";
    rows.forEach(function (c, i) {
      var li = document.createElement("li");
      li.className = "terreau-resultat";
      var kind = document.createElement("span");
      kind.className = "terreau-resultat__type";
      kind.textContent = c[2];
      var a = document.createElement("a");
      a.href = base + c[1];
      a.textContent = c[0];
      var p = document.createElement("p");
      p.className = "terreau-resultat__resume";
      p.textContent = c[3] || "";
      li.appendChild(kind);
      li.appendChild(terreauAxes(table, positions[i]));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(a);
      li.appendChild(p);
      var id = idOf(c);
      var box = document.createElement("input");
      box.type = "checkbox";
      box.id = "terreau-kit-" + id;
      box.checked = kit.indexOf(id) >= 0;
      box.addEventListener("change", function () {
        kit = box.checked ? terreauKit.add(id) : terreauKit.remove(id);
        showKit();
        remember(input.value, checked());
      });
      var label = document.createElement("label");
      label.htmlFor = box.id;
      label.textContent = "Ajouter au kit";
      label.setAttribute("aria-label", "Ajouter « " + c[0] + " » au kit à imprimer");
      var choose = document.createElement("p");
      choose.className = "terreau-resultat__kit";
      choose.appendChild(box);
      choose.appendChild(label);
      li.appendChild(choose);
      list.appendChild(li);
    });
    var what = total > 1 ? total + " fiches" : total + " fiche";
    status.textContent = total === 0
      ? "Aucune fiche ne correspond" + (text ? " à « " + text + " »" : "") + ". Retirez un filtre ou essayez un autre mot."
      : what + (text ? " pour « " + text + " »" : "") + ".";
    // How many are shown is said by the button that shows more: the count stays on one line.
    more.hidden = rows.length >= total;
    more.textContent = "Afficher plus de fiches (" + rows.length + " affichées sur " + total + ")";
    filters.show(total);
  }

  /* Resolves once the page has been painted (the next frame, or 100 ms where no frame comes:
   * a tab in the background) and has finished loading (its load event, waited for 1 s at
   * most): what is asked for later does not hold back the end of the page's loading. */
  function afterPaint() {
    return new Promise(function (resolve) {
      var painted = false, loaded = document.readyState === "complete";
      function ready() { if (painted && loaded) resolve(); }
      function paint() { painted = true; ready(); }
      function load() { loaded = true; ready(); }
      window.requestAnimationFrame(function () { setTimeout(paint, 0); });
      setTimeout(paint, 100);
      if (!loaded) {
        window.addEventListener("load", load, { once: true });
        setTimeout(load, 1000);
      }
    });
  }

  /* The summaries of results shown before their card chunks came. */
  function summaries(rows) {
    var shownSummaries = list.querySelectorAll(".terreau-resultat__resume");
    rows.forEach(function (c, i) { if (shownSummaries[i]) shownSummaries[i].textContent = c[3]; });
  }

  /* « Filtrer » (a disclosure button on a phone; hidden on a wide screen, where the facets
   * stand beside the results), the chips of the active filters, « Tout effacer », and
   * « Voir les N fiches », which closes the facets. */
  var filters = (function () {
    var toggle = document.getElementById("terreau-filtrer");
    var done = document.getElementById("terreau-voir");
    var chips = document.getElementById("terreau-actifs");
    var heading = document.getElementById("terreau-filtres-titre");

    function isOpen() { return toggle.getAttribute("aria-expanded") === "true"; }
    function folding() { return toggle.offsetParent !== null; }  // false on a wide screen
    function open() {
      toggle.setAttribute("aria-expanded", "true");
      panel.classList.add("terreau-facettes--ouvert");
      heading.focus();
    }
    function close() {
      toggle.setAttribute("aria-expanded", "false");
      panel.classList.remove("terreau-facettes--ouvert");
      toggle.focus();
    }
    function active() {
      return [].slice.call(panel.querySelectorAll(".terreau-facette input:checked")).map(function (box) {
        var facet = table.facettes.filter(function (f) { return f.id === box.name; })[0];
        var value = facet.valeurs.filter(function (v) { return v[0] === box.value; })[0];
        return { box: box, text: facet.libelle + " : " + value[1] };
      });
    }
    function chip(text, name, action) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "terreau-puce";
      if (name) b.setAttribute("aria-label", name);
      b.textContent = text;
      b.addEventListener("click", action);
      li.appendChild(b);
      return li;
    }
    /* After a chip is removed, focus goes to the chip now in its place, or the one before,
     * or « Filtrer » (on a wide screen, the search field) when no filter is left. */
    function refocus(i) {
      var left = chips.querySelectorAll("button");
      if (left.length) left[Math.min(i, left.length - 1)].focus();
      else if (folding()) toggle.focus();
      else input.focus();
    }
    function clear(boxes, i) {
      boxes.forEach(function (box) { box.checked = false; });
      shown = PAGE;
      update().then(function () { refocus(i); });
    }
    function showChips() {
      var on = active();
      chips.textContent = "";
      on.forEach(function (a, i) {
        var li = chip(a.text, "Retirer le filtre " + a.text, function () { clear([a.box], i); });
        var cross = document.createElement("span");
        cross.setAttribute("aria-hidden", "true");
        cross.className = "terreau-puce__croix";
        cross.textContent = "✕";
        li.firstChild.appendChild(cross);
        chips.appendChild(li);
      });
      if (on.length > 1) {
        var all = chip("Tout effacer", "",
          function () { clear(on.map(function (a) { return a.box; }), 0); });
        all.className = "terreau-actifs__tout";
        chips.appendChild(all);
      }
      chips.hidden = on.length === 0;
      // Seen as « Filtrer (2) », heard as « Filtrer (2 filtres actifs) ».
      toggle.textContent = "Filtrer";
      if (on.length) {
        var seen = document.createElement("span");
        seen.setAttribute("aria-hidden", "true");
        seen.textContent = " (" + on.length + ")";
        var heard = document.createElement("span");
        heard.className = "terreau-masque";
        heard.textContent = "(" + on.length + (on.length > 1 ? " filtres actifs)" : " filtre actif)");
        toggle.appendChild(seen);
        toggle.appendChild(heard);
      }
    }
    return {
      start: function () {
        toggle.hidden = false;
        toggle.addEventListener("click", function () { if (isOpen()) close(); else open(); });
        done.addEventListener("click", close);
        panel.addEventListener("keydown", function (e) {
          if (e.key === "Escape" && isOpen() && folding()) { e.preventDefault(); close(); }
        });
      },
      show: function (total) {
        done.textContent = total === 0 ? "Aucune fiche : fermer" : total === 1 ? "Voir la fiche" : "Voir les " + total + " fiches";
        showChips();
      }
    };
  })();

  function update() {
    var mine = ++run;
    var text = input.value;
    var state = checked();
    var mask = masks(state);
    remember(text, state);
    return matches(text).then(function (found) {
      if (mine !== run) return null;
      updateCounts(found, mask);
      var kept = found.filter(function (pos) { return passes(pos, mask, null); });
      var top = kept.slice(0, shown);
      // The shards carry the title, address and kind of the best cards of their terms: the
      // results show at once, their summaries follow with the card chunks.
      var early = top.map(engine.row);
      var now = early.every(Boolean);
      if (now) render(early, kept.length, text, kept);
      // Asking for the chunks (a script element each) takes the main thread a while, and the
      // page's load event would wait for them: once the results are painted and the page loaded.
      return (now ? afterPaint() : Promise.resolve()).then(function () {
        return mine === run ? cardsAt(top) : null;
      }).then(function (rows) {
        if (mine !== run) return;
        if (now) summaries(rows);
        else render(rows, kept.length, text, kept);
        form.setAttribute("data-pret", "oui");
      });
    }).catch(function () {
      status.textContent = "La recherche n'a pas pu se charger. Parcourez les fiches depuis le menu.";
    });
  }

  function restore() {
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    // A shared address brings its kit; otherwise the one kept in this browser.
    kit = params.has("kit") ? terreauKit.write(terreauKit.parse(params.get("kit"))) : terreauKit.read();
    showKit();
    panel.querySelectorAll(".terreau-facette input[type=checkbox]").forEach(function (box) {
      box.checked = params.getAll(box.name).indexOf(box.value) >= 0;
      if (box.checked) box.closest("details").open = true;
    });
  }

  var timer = null;
  status.textContent = "Chargement de la recherche…";
  document.documentElement.classList.add("terreau-js");
  terreauChargerRecherche()
    .then(function () {
      table = terreauFacettes();
      engine = window.TerreauMoteur(window.lunr, table);
      restore();
      input.addEventListener("input", function () {
        clearTimeout(timer);
        shown = PAGE;
        timer = setTimeout(update, 120);
      });
      panel.addEventListener("change", function (e) {
        if (e.target.type === "checkbox") { shown = PAGE; update(); }
      });
      filters.start();
      form.addEventListener("submit", function (e) { e.preventDefault(); shown = PAGE; update(); });
      more.addEventListener("click", function () { shown += PAGE; update(); });
      return update();
    })
    .catch(function () {
      status.textContent = "La recherche n'a pas pu se charger. Parcourez les fiches depuis le menu.";
    });
})();

/* ---- search prefetch ----
 * On every other page, the header's search box, once it has the focus, asks for the search's
 * scripts at low priority: the search page then finds them in the browser's cache. */
(function () {
  "use strict";
  var box = document.getElementById("terreau-entete-q");
  if (!box || document.getElementById("terreau-recherche")) return;
  box.addEventListener("focus", function () {
    TERREAU_RECHERCHE.forEach(function (src) {
      var link = document.createElement("link");
      link.rel = "prefetch";
      link.href = TERREAU_RACINE + src;
      document.head.appendChild(link);
    });
  }, { once: true });
})();
/* ---- end of search prefetch ---- */

/* « Par où commencer ? » on the home page: a situation chosen, its answer shows right there.
 * Every answer was worked out at build time by terreau/derive/finder.py (advice_tables): the
 * page only looks it up, in the small file of the situation chosen (conseils-<id>.js). The
 * commune's name, looked up in the official list (communes-<letter>.js, loaded only once
 * someone types there), sets the size and puts the records of nearby, similar communes first. */
(function () {
  "use strict";

  var form = document.getElementById("terreau-depart");
  if (!form) return;
  var base = TERREAU_RACINE;
  var load = terreauCharger;
  var data = base + "assets/terreau/recherche/";
  var panel = document.getElementById("terreau-reponse");
  var heading = document.getElementById("terreau-reponse-titre");
  var out = document.getElementById("terreau-conseils");
  var field = document.getElementById("terreau-terrain");
  var links = Array.prototype.slice.call(document.querySelectorAll(".terreau-situation[data-situation]"));
  var input = document.getElementById("terreau-commune-champ");
  var options = document.getElementById("terreau-communes");
  var said = document.getElementById("terreau-commune-etat");
  var STORE = "terreau-commune";
  var table = null;
  var chosen = null;
  var commune = null; // {code, nom, population, departement, nomDepartement}

  function answer(name) {
    var el = form.elements[name];
    return el && el.value ? el.value : null;
  }

  function card(pos) {
    return window.TERREAU_FICHES[Math.floor(pos / table.morceau)][pos % table.morceau];
  }

  function element(tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text) el.textContent = text;
    return el;
  }

  function link(pos, cls) {
    var c = card(pos);
    var a = element("a", cls, c[0]);
    a.href = base + c[1];
    return a;
  }

  /* Records of the visitor's département first, then of the closest size of commune; without
   * a commune, the smallest first (as built). */
  function byCommune(records) {
    if (!commune || !commune.population) return records;
    var own = Math.log(commune.population + 1);
    function distance(r) {
      var near = r[1].indexOf(commune.departement) >= 0 ? 0 : 1000;
      return near + (r[2] === null ? 100 : Math.abs(Math.log(r[2] + 1) - own));
    }
    return records.slice().sort(function (a, b) { return distance(a) - distance(b); });
  }

  function where(r) {
    var names = (window.TERREAU_COMMUNES || {}).departements || {};
    var text = r[1].map(function (d) { return names[d] || d; }).join(", ");
    if (r[2] !== null) text += " · " + r[2].toLocaleString("fr-FR") + " habitants";
    return text;
  }

  function item(s, advice, records) {
    var li = element("li", "terreau-suggestion");
    li.appendChild(element("span", "terreau-resultat__type", card(s.pos)[2]));
    li.appendChild(terreauAxes(table, s.pos));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(link(s.pos, "terreau-suggestion__titre"));
    var facts = advice.faits[s.pos] || [];
    if (facts.length) {
      var p = element("p", "terreau-faits");
      facts.forEach(function (f) { p.appendChild(element("span", null, f)); });
      li.appendChild(p);
    }
    var mine = (advice.exemples[s.pos] || []);
    var example = records.filter(function (r) { return mine.indexOf(r[0]) >= 0; })[0];
    if (example) {
      var ex = element("p", "terreau-exemple", "Sur le terrain : ");
      ex.appendChild(link(example[0]));
      li.appendChild(ex);
    }
    return li;
  }

  /* The suggestions for the answers given: {cartes: [{pos}], parcours}. */
  function lookup(q, advice) {
    var key = [q.taille, q.porteur, q.duree, q.cout].map(function (v) { return v || ""; }).join("|");
    var found = advice.reponses[key] || [[], null];
    var view = function (row) { return { pos: row[0] }; };
    return { cartes: found[0].map(view), parcours: found[1] ? view(found[1]) : null };
  }

  function show(scroll) {
    if (!chosen) return Promise.resolve();
    var q = { taille: answer("taille"), porteur: answer("porteur"), duree: answer("duree"), cout: answer("cout") };
    var id = chosen;
    return load(data + "conseils-" + id + ".js").then(function () {
      var advice = window.TERREAU_CONSEILS[id];
      var found = lookup(q, advice);
      var positions = found.cartes.map(function (s) { return s.pos; });
      if (found.parcours) positions.push(found.parcours.pos);
      advice.retours.forEach(function (r) { positions.push(r[0]); });
      var chunks = [];
      positions.forEach(function (p) {
        var k = Math.floor(p / table.morceau);
        if (chunks.indexOf(k) < 0) chunks.push(k);
      });
      var files = chunks.map(function (k) { return data + "fiches-" + k + ".js"; });
      files.push(data + "communes-departements.js");
      return Promise.all(files.map(function (f) { return load(f); })).then(function () {
        return { advice: advice, found: found };
      });
    }).then(function (r) {
      if (id !== chosen) return; // another situation was chosen meanwhile
      var records = byCommune(r.advice.retours);
      out.textContent = "";
      if (!r.found.cartes.length) {
        out.appendChild(element("p", null, "Aucune fiche ne correspond à toutes vos réponses : choisissez « Peu importe » pour l'une d'elles."));
      } else {
        var list = element("ol", "terreau-suggestions");
        r.found.cartes.forEach(function (s) { list.appendChild(item(s, r.advice, records)); });
        out.appendChild(list);
      }
      if (r.found.parcours) {
        out.appendChild(element("h3", null, "Un parcours pour commencer"));
        var route = element("ul", "terreau-suggestions");
        route.appendChild(item(r.found.parcours, r.advice, []));
        out.appendChild(route);
      }
      var more = element("p");
      var all = element("a", null, "Toutes les fiches pour cette situation");
      all.href = base + "trouver/" + id + ".html";
      more.appendChild(all);
      out.appendChild(more);
      field.textContent = "";
      if (records.length) {
        field.appendChild(element("h3", null, commune ? "Sur le terrain, près de chez vous d'abord" : "Sur le terrain"));
        var ul = element("ul", "terreau-terrain");
        records.forEach(function (rec) {
          var li = element("li");
          li.appendChild(link(rec[0]));
          li.appendChild(document.createTextNode(" "));
          li.appendChild(element("span", "terreau-terrain__lieu", where(rec)));
          ul.appendChild(li);
        });
        field.appendChild(ul);
      }
      if (scroll) {
        panel.scrollIntoView({ block: "start" });
        heading.focus({ preventScroll: true });
      }
    });
  }

  function choose(id, scroll) {
    var chosenLink = null;
    links.forEach(function (a) {
      var on = a.getAttribute("data-situation") === id;
      if (on) chosenLink = a;
      if (on) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
    });
    if (!chosenLink) return Promise.resolve();
    chosen = id;
    heading.textContent = chosenLink.textContent;
    panel.hidden = false;
    var params = new URLSearchParams(window.location.search);
    params.set("situation", id);
    history.replaceState(null, "", "?" + params.toString() + window.location.hash);
    return show(scroll);
  }

  /* --- The commune's name -------------------------------------------------------------- */

  function sizeOf(population) {
    var select = form.elements.taille;
    for (var i = 0; i < select.options.length; i++) {
      var max = select.options[i].getAttribute("data-max");
      if (select.options[i].value && (max === null || population <= parseInt(max, 10))) return select.options[i];
    }
    return null;
  }

  function pick(c) {
    commune = c;
    terreauStockage.put(STORE, JSON.stringify(c));
    var text = terreauCommunes.label(c);
    if (c.population !== null) {
      var size = sizeOf(c.population);
      if (size) form.elements.taille.value = size.value;
      text += " : " + c.population.toLocaleString("fr-FR") + " habitants" + (size ? ", taille « " + size.textContent + " »" : "");
    }
    said.textContent = text + ".";
    return show(false);
  }

  var named = terreauCommunes.field(input, options, said, pick, function () { commune = null; });
  form.addEventListener("submit", function (e) { e.preventDefault(); named.lookup(); });
  form.addEventListener("change", function (e) { if (e.target !== input) show(false); });
  links.forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (!table) return; // not ready: the link leads to the situation's own page
      e.preventDefault();
      choose(a.getAttribute("data-situation"), true);
    });
  });

  document.documentElement.classList.add("terreau-js");
  try {
    var kept = JSON.parse(terreauStockage.get(STORE) || "null");
    if (kept && kept.nom) {
      commune = kept;
      input.value = terreauCommunes.label(kept);
      named.remember(kept);
    }
  } catch (e) { /* nothing kept */ }
  load(data + "facettes.js").then(function () {
    table = terreauFacettes();
    var ready = commune ? pick(commune) : Promise.resolve();
    var wanted = new URLSearchParams(window.location.search).get("situation");
    return ready.then(function () { return wanted ? choose(wanted, true) : null; });
  }).then(function () { form.setAttribute("data-pret", "oui"); });
})();


/* The kit page: the kit's sheets, reordered and removed here, and the booklet printed from
 * them: a cover (title, date, numbered list of the sheets, licence), then each card. */
(function () {
  "use strict";

  var root = document.getElementById("terreau-kit");
  if (!root) return;
  var base = TERREAU_RACINE;
  var DEFAULT_TITLE = "Kit de fiches Terreau";
  var MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre"];
  var params = new URLSearchParams(window.location.search);
  // A shared link (or a parcours) brings its list, which becomes this browser's kit.
  var ids = params.has("fiches") ? terreauKit.write(terreauKit.parse(params.get("fiches"))) : terreauKit.read();
  var title = params.get("titre") || (params.has("fiches") ? "" : terreauKit.title()) || DEFAULT_TITLE;
  if (params.has("titre")) terreauKit.writeTitle(title);
  var out = document.getElementById("terreau-kit-livret");
  var manage = document.getElementById("terreau-kit-gestion");
  var list = document.getElementById("terreau-kit-liste");
  var empty = document.getElementById("terreau-kit-vide");
  var field = document.getElementById("terreau-kit-titre");
  var share = document.getElementById("terreau-kit-partager");
  var shared = document.getElementById("terreau-kit-partage");
  var address = document.getElementById("terreau-kit-adresse");
  var printButton = document.getElementById("terreau-kit-imprimer");
  var announce = document.getElementById("terreau-kit-annonce");
  document.documentElement.classList.add("terreau-js");

  function frenchDate(d) {
    var day = d.getDate();
    return (day === 1 ? "1er" : String(day)) + " " + MONTHS[d.getMonth()] + " " + d.getFullYear();
  }

  function fragment(id) { return window.TERREAU_IMPRESSION && window.TERREAU_IMPRESSION[id]; }

  function titleOf(id) {
    var holder = document.createElement("div");
    holder.innerHTML = fragment(id);
    var h1 = holder.querySelector("h1");
    return h1 ? h1.textContent.trim() : id;
  }

  function load(id) {
    // An unknown card is simply left out of the kit.
    return terreauCharger(base + "assets/terreau/impression/" + id + ".js").catch(function () {});
  }

  /* The address of this kit, kept up to date so that a reload or a bookmark gives it back. */
  function shareUrl() {
    var href = terreauKit.href(ids, title === DEFAULT_TITLE ? "" : title);
    return new URL(href, window.location.href).href;
  }
  function remember() {
    ids = terreauKit.write(ids);
    try {
      var url = new URL(shareUrl());
      window.history.replaceState(null, "", window.location.pathname + url.search);
    } catch (e) { /* some browsers refuse it over file:// */ }
    if (!shared.hidden) address.value = shareUrl();
  }

  function button(label, name, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button terreau-kit__bouton";
    b.textContent = label;
    b.setAttribute("aria-label", label + " « " + name + " »");
    b.setAttribute("data-action", action);
    return b;
  }

  function showList() {
    list.textContent = "";
    empty.hidden = ids.length > 0;
    ids.forEach(function (id, i) {
      var name = titleOf(id);
      var li = document.createElement("li");
      li.setAttribute("data-fiche", id);
      var span = document.createElement("span");
      span.className = "terreau-kit__nom";
      span.textContent = name;
      var up = button("Monter", name, "monter");
      var down = button("Descendre", name, "descendre");
      var remove = button("Retirer", name, "retirer");
      up.disabled = i === 0;
      down.disabled = i === ids.length - 1;
      li.appendChild(span);
      li.appendChild(up);
      li.appendChild(down);
      li.appendChild(remove);
      list.appendChild(li);
    });
  }

  /* After a change, focus stays on the same sheet's button, or its neighbour when that
   * button can no longer be used, or the next sheet after a removal. */
  function focusOn(id, action) {
    var li = list.querySelector("li[data-fiche='" + id + "']");
    if (!li) return;
    var wanted = li.querySelector("[data-action='" + action + "']");
    if (wanted && wanted.disabled) wanted = li.querySelector("[data-action]:not([disabled])");
    if (wanted) wanted.focus();
  }

  function showBooklet() {
    out.textContent = "";
    var cover = document.createElement("section");
    cover.className = "terreau-kit__couverture";
    var h = document.createElement("h2");
    h.className = "terreau-kit__couverture-titre";
    h.textContent = title;
    var when = document.createElement("p");
    when.className = "terreau-kit__date";
    when.textContent = frenchDate(new Date());
    var count = document.createElement("p");
    count.textContent = ids.length + (ids.length > 1 ? " fiches" : " fiche");
    var contents = document.createElement("nav");
    contents.className = "terreau-kit__sommaire";
    contents.setAttribute("aria-label", "Sommaire du kit");
    var heading = document.createElement("h3");
    heading.textContent = "Sommaire";
    var items = document.createElement("ol");
    contents.appendChild(heading);
    contents.appendChild(items);
    var licence = document.createElement("p");
    licence.className = "terreau-kit__licence";
    licence.textContent = "Textes sous licence CC BY-SA 4.0 — Terreau";
    cover.appendChild(h);
    cover.appendChild(when);
    cover.appendChild(count);
    cover.appendChild(contents);
    cover.appendChild(licence);
    out.appendChild(cover);
    ids.forEach(function (id, i) {
      var section = document.createElement("section");
      section.className = "terreau-kit__fiche";
      section.innerHTML = fragment(id);
      // A card's own « Ajouter au kit » has no place inside the kit.
      section.querySelectorAll(".terreau-kit-fiche").forEach(function (el) { el.remove(); });
      // Each card's own anchors would repeat across the booklet.
      section.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
      // One level down, so that the booklet's outline stays whole: a card's h2 becomes an h3.
      section.querySelectorAll("h5, h4, h3, h2").forEach(function (old) {
        var lower = document.createElement("h" + (Number(old.tagName[1]) + 1));
        lower.innerHTML = old.innerHTML;
        lower.className = old.className;
        old.replaceWith(lower);
      });
      section.querySelectorAll("h1").forEach(function (h1) {
        var h2 = document.createElement("h2");
        h2.className = "terreau-kit__titre";
        h2.textContent = (i + 1) + ". " + h1.textContent;
        h1.replaceWith(h2);
      });
      var item = document.createElement("li");
      item.textContent = titleOf(id);
      items.appendChild(item);
      out.appendChild(section);
    });
    printButton.disabled = ids.length === 0;
  }

  function refresh() {
    remember();
    showList();
    showBooklet();
  }

  list.addEventListener("click", function (event) {
    var b = event.target.closest("button[data-action]");
    if (!b) return;
    var id = b.closest("li").getAttribute("data-fiche");
    var action = b.getAttribute("data-action");
    var i = ids.indexOf(id);
    var name = titleOf(id);
    if (action === "retirer") {
      ids.splice(i, 1);
      refresh();
      announce.textContent = "« " + name + " » retirée du kit.";
      var next = ids[Math.min(i, ids.length - 1)];
      if (next) focusOn(next, "retirer"); else field.focus();
      return;
    }
    var j = action === "monter" ? i - 1 : i + 1;
    if (j < 0 || j >= ids.length) return;
    ids.splice(i, 1);
    ids.splice(j, 0, id);
    refresh();
    announce.textContent = "« " + name + " » est maintenant en position " + (j + 1) + " sur " + ids.length + ".";
    focusOn(id, action);
  });

  field.value = title;
  field.addEventListener("input", function () {
    title = field.value.trim() || DEFAULT_TITLE;
    terreauKit.writeTitle(title === DEFAULT_TITLE ? "" : title);
    remember();
    out.querySelector(".terreau-kit__couverture-titre").textContent = title;
  });

  share.addEventListener("click", function () {
    shared.hidden = false;
    address.value = shareUrl();
    address.focus();
    address.select();
    announce.textContent = "Adresse du kit prête à copier.";
    try {
      navigator.clipboard.writeText(address.value).then(function () {
        announce.textContent = "Adresse du kit copiée : collez-la dans un message.";
      }, function () {});
    } catch (e) { /* no clipboard here (file://, old browser): the field is selected */ }
  });
  printButton.addEventListener("click", function () { window.print(); });

  Promise.all(ids.map(load)).then(function () {
    ids = ids.filter(fragment);
    refresh();
    manage.hidden = false;
    root.setAttribute("data-pret", "oui");
  });
})();

/* « Raconter votre expérience » (raconter.html): its script, loaded on that page only. */
if (document.getElementById("terreau-raconter")) terreauCharger(TERREAU_RACINE + "assets/terreau/raconter.js");
