/* The head script of every page: what mkdocs-material's inline base script defines, from a
 * file (no inline script under CSP); what terreau.js shares between its parts (the site's
 * root, loading a script once, the search's scripts); and, on the search page, the search's
 * early start. */
/* The site's root: two folders up from assets/terreau/ (so that the site works in any
 * folder and over file://). */
var TERREAU_RACINE = new URL("../..", document.currentScript.src).href;
/* The scripts the search needs before its first result, the code in the order it runs (the
 * search page loads them, the header's search box prefetches them): lunr.js with its French
 * stemmer in one file (terreau/site/build.py, search_engine), the engine, the facet table. */
var TERREAU_RECHERCHE = [
  "assets/terreau/lunr/lunr-fr.js",
  "assets/terreau/moteur.js",
  "assets/terreau/recherche/facettes.js"
];
var terreauCharger = (function () {
  "use strict";
  var pending = {};
  /* Scripts loaded with inOrder run in the order they were asked for, while all of them
   * download at once (a dynamic script with async = false). */
  return function (src, inOrder) {
    if (!pending[src]) {
      pending[src] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = src;
        if (inOrder) s.async = false;
        s.onload = resolve;
        s.onerror = function () { reject(new Error(src)); };
        document.head.appendChild(s);
      });
    }
    return pending[src];
  };
})();
/* The search's scripts, each loaded once: the code in order, the data in any order. */
var terreauChargerRecherche = function () {
  return Promise.all(TERREAU_RECHERCHE.map(function (src) {
    return terreauCharger(TERREAU_RACINE + src, src.indexOf("/recherche/") < 0);
  }));
};

(function () {
  "use strict";
  var me = document.currentScript;
  // Set before the page is drawn, so that enhanced forms (finder, home page questions) do
  // not jump when their script arrives: the class only changes elements that script drives.
  document.documentElement.classList.add("terreau-js");
  window.__md_scope = new URL("../..", me.src);
  window.__md_hash = function (e) {
    return [].reduce.call(e, function (h, c) { return (h << 5) - h + c.charCodeAt(0); }, 0);
  };
  window.__md_get = function (e, store, scope) {
    store = store || localStorage; scope = scope || window.__md_scope;
    return JSON.parse(store.getItem(scope.pathname + "." + e));
  };
  window.__md_set = function (e, value, store, scope) {
    store = store || localStorage; scope = scope || window.__md_scope;
    try { store.setItem(scope.pathname + "." + e, JSON.stringify(value)); } catch (err) { /* quota, privacy mode */ }
  };

  /* The search page (its head script is marked data-recherche) asks for the search's scripts
   * now, while the page is still being read, and once they ran, for the index shards of the
   * query in its address: terreau.js, which runs at the end of the page, then finds them
   * loaded (the same promises). Failures are said by terreau.js. */
  if (!me.hasAttribute("data-recherche")) return;
  var ready = terreauChargerRecherche();
  ready.catch(function () { /* said by terreau.js, which asks for the same scripts */ });
  var query = new URLSearchParams(window.location.search).get("q") || "";
  if (!query.trim()) return;
  ready.then(function () {
    var engine = window.TerreauMoteur(window.lunr, window.TERREAU_FACETTES);
    engine.shardsFor(query).forEach(function (k) {
      terreauCharger(TERREAU_RACINE + "assets/terreau/recherche/index-" + k + ".js").catch(function () {});
    });
  }).catch(function () { /* said by terreau.js, which asks for the same scripts */ });
})();
