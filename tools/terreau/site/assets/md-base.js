/* What mkdocs-material's inline base script defines, from a file (no inline script under CSP).
 * The scope is the site root: two folders up from assets/terreau/. */
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
})();
