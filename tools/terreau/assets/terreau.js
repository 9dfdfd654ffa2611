/* Terreau: the search page. Loads lunr.js, the engine and the index only when it opens.
 *
 * Data files are scripts, not JSON read with fetch(), so that search also works from a
 * folder opened over file://. Without JavaScript the page says so; the header's search
 * form still leads here.
 */
(function () {
  "use strict";

  var form = document.getElementById("terreau-recherche");
  if (!form) return;

  var me = document.currentScript || document.querySelector("script[src*='assets/terreau/terreau.js']");
  var base = me.src.replace(/assets\/terreau\/terreau\.js.*$/, "");
  var input = document.getElementById("terreau-recherche-champ");
  var status = document.getElementById("terreau-recherche-etat");
  var list = document.getElementById("terreau-recherche-resultats");
  var engine = null;
  var cards = null;

  function load(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = base + src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error(src)); };
      document.head.appendChild(s);
    });
  }

  function show(text) {
    list.textContent = "";
    if (!text.trim()) { status.textContent = ""; return; }
    var results = engine.search(text).slice(0, 20);
    status.textContent = results.length === 0
      ? "Aucune fiche ne correspond à « " + text + " »."
      : results.length + (results.length > 1 ? " fiches trouvées" : " fiche trouvée") + " pour « " + text + " ».";
    results.forEach(function (r) {
      var c = cards[r.ref];
      var li = document.createElement("li");
      li.className = "terreau-resultat";
      var kind = document.createElement("span");
      kind.className = "terreau-resultat__type";
      kind.textContent = c[2];
      var a = document.createElement("a");
      a.href = base + c[1];
      a.textContent = c[0];
      var p = document.createElement("p");
      p.textContent = c[3];
      li.appendChild(kind);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(a);
      li.appendChild(p);
      list.appendChild(li);
    });
  }

  function remember(text) {
    var url = new URL(window.location.href);
    if (text) url.searchParams.set("q", text); else url.searchParams.delete("q");
    try { window.history.replaceState(null, "", url.toString()); } catch (e) { /* file:// */ }
  }

  status.textContent = "Chargement de la recherche…";
  load("assets/terreau/lunr/lunr.js")
    .then(function () { return load("assets/terreau/lunr/lunr.stemmer.support.min.js"); })
    .then(function () { return load("assets/terreau/lunr/lunr.fr.min.js"); })
    .then(function () {
      return Promise.all([load("assets/terreau/moteur.js"), load("assets/terreau/index.js"),
        load("assets/terreau/fiches.js")]);
    })
    .then(function () {
      engine = window.TerreauMoteur(window.lunr, window.TERREAU_INDEX);
      cards = window.TERREAU_FICHES;
      form.setAttribute("data-pret", "oui");
      var initial = new URL(window.location.href).searchParams.get("q") || "";
      if (initial) input.value = initial;
      show(input.value);
      input.addEventListener("input", function () { show(input.value); remember(input.value); });
      form.addEventListener("submit", function (e) { e.preventDefault(); show(input.value); remember(input.value); });
    })
    .catch(function () {
      status.textContent = "La recherche n'a pas pu se charger. Parcourez les fiches depuis le menu.";
    });
})();
