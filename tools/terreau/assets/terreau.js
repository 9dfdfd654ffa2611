/* Terreau: the search page. Loads lunr.js and the index only when the search page opens.
 *
 * The analysis and the query expansion mirror terreau/search_index.py exactly:
 * words of letters and digits, French stop words, accents folded, Snowball French stem;
 * then exact stem (boost 10), shorter stem as a prefix (boost 2, or 3 for short terms)
 * and a one-letter typo (boost 1). Data files are scripts, not JSON fetched with fetch(),
 * so that search also works from a folder opened over file://.
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
  var index = null;
  var stop = null;
  var cards = null;

  status.textContent = "";

  function load(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = base + src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error(src)); };
      document.head.appendChild(s);
    });
  }

  function fold(text) {
    return text.replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/Œ/g, "OE").replace(/Æ/g, "AE")
      .normalize("NFD").replace(/[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g, "");
  }

  function analyse(text) {
    var words = text.normalize("NFC").toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
    var terms = [];
    words.forEach(function (w) {
      var f = fold(w);
      if (stop[f]) return;
      var t = lunr.fr.stemmer(new lunr.Token(f)).toString();
      if (terms.indexOf(t) < 0) terms.push(t);
    });
    return terms;
  }

  function search(text) {
    var terms = analyse(text);
    if (!terms.length) return [];
    var TRAILING = lunr.Query.wildcard.TRAILING;
    return index.query(function (q) {
      terms.forEach(function (t) {
        q.term(t, { usePipeline: false, boost: 10 });
        if (t.length >= 6) {
          q.term(t.slice(0, Math.max(5, t.length - 3)), { usePipeline: false, boost: 2, wildcard: TRAILING });
        } else if (t.length >= 3) {
          q.term(t, { usePipeline: false, boost: 3, wildcard: TRAILING });
        }
        if (t.length >= 5) q.term(t, { usePipeline: false, boost: 1, editDistance: 1 });
      });
    });
  }

  function show(text) {
    list.textContent = "";
    if (!text.trim()) { status.textContent = ""; return; }
    var results = search(text).slice(0, 20);
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

  function syncUrl(text) {
    var url = new URL(window.location.href);
    if (text) url.searchParams.set("q", text); else url.searchParams.delete("q");
    try { window.history.replaceState(null, "", url.toString()); } catch (e) { /* file:// */ }
  }

  status.textContent = "Chargement de la recherche…";
  load("assets/terreau/lunr/lunr.js")
    .then(function () { return load("assets/terreau/lunr/lunr.stemmer.support.min.js"); })
    .then(function () { return load("assets/terreau/lunr/lunr.fr.min.js"); })
    .then(function () { return Promise.all([load("assets/terreau/index.js"), load("assets/terreau/fiches.js")]); })
    .then(function () {
      var data = window.TERREAU_INDEX;
      stop = {};
      data.vides.forEach(function (w) { stop[w] = true; });
      lunr.Pipeline.registerFunction(function (token) { return stop[fold(token.toString())] ? undefined : token; }, "terreau-vides");
      lunr.Pipeline.registerFunction(function (token) { return token.update(fold); }, "terreau-plier");
      index = lunr.Index.load(data.index);
      cards = window.TERREAU_FICHES;
      form.setAttribute("data-pret", "oui");
      var initial = new URL(window.location.href).searchParams.get("q") || "";
      if (initial) input.value = initial;
      show(input.value);
      input.addEventListener("input", function () { show(input.value); syncUrl(input.value); });
      form.addEventListener("submit", function (e) { e.preventDefault(); show(input.value); syncUrl(input.value); });
    })
    .catch(function () {
      status.textContent = "La recherche n'a pas pu se charger. Parcourez les fiches depuis le menu.";
    });
})();
