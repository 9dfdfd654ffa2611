/* Terreau search engine: the browser half of terreau/search_index.py, with no DOM.
 *
 * The analysis and the query expansion mirror the Python side exactly: words of letters
 * and digits, French stop words, accents folded, then the Snowball French stemmer of
 * lunr.fr; a query asks for the exact stem (boost 10), a shorter stem as a prefix
 * (boost 2, or the stem itself for short terms, boost 3) and a one-letter typo (boost 1).
 * Usable from the browser (window.TerreauMoteur) and from node (tests).
 */
(function (root) {
  "use strict";

  function fold(text) {
    return text.replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/Œ/g, "OE").replace(/Æ/g, "AE")
      .normalize("NFD").replace(/[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g, "");
  }

  root.TerreauMoteur = function (lunr, data) {
    var stop = Object.create(null);
    data.vides.forEach(function (w) { stop[w] = true; });
    lunr.Pipeline.registerFunction(function (token) {
      return stop[fold(token.toString())] ? undefined : token;
    }, "terreau-vides");
    lunr.Pipeline.registerFunction(function (token) { return token.update(fold); }, "terreau-plier");
    var index = lunr.Index.load(data.index);

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

    return { analyse: analyse, search: search, fold: fold };
  };
})(typeof window !== "undefined" ? window : globalThis);
