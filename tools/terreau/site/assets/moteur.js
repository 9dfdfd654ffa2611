/* Terreau search engine: the browser half of terreau/search_index.py, with no DOM.
 *
 * The analysis mirrors the Python side exactly: words of letters and digits, French stop
 * words, accents folded, then the Snowball French stemmer of lunr.fr. A query asks for the
 * exact stem, a shorter stem as a prefix (or the stem itself for short terms) and a
 * one-letter typo, with the lengths and boosts the facet table carries (« requete »).
 * The index comes in shards of whole term ranges: each clause goes to the shard holding its
 * term, the scores of a card are added across shards, ties go to the earlier position.
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
    var starts = data.tranches;
    var loaded = {};

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

    function shardOf(term) {
      var lo = 0, hi = starts.length;  // last start <= term, as Python's bisect_right - 1
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (term < starts[mid]) hi = mid; else lo = mid + 1;
      }
      return Math.max(0, lo - 1);
    }

    /* The rules' numbers come from terreau/derive/search_index.py (EXPANSION). */
    var r = data.requete;

    function clauses(text) {
      var out = [];
      analyse(text).forEach(function (t) {
        out.push({ term: t, boost: r.exacte });
        if (t.length >= r.prefixe_des) {
          var cut = t.slice(0, Math.max(r.prefixe_garde, t.length - r.prefixe_coupe));
          out.push({ term: cut, boost: r.prefixe_poids, prefix: true });
        } else if (t.length >= r.court_des) {
          out.push({ term: t, boost: r.court_poids, prefix: true });
        }
        if (t.length >= r.faute_des) out.push({ term: t, boost: r.faute_poids, typo: true });
      });
      out.forEach(function (c) {
        // A prefix's terms can straddle a shard boundary: ask every shard that may hold one.
        var first = shardOf(c.term);
        var last = c.prefix ? shardOf(c.term + "\uffff") : first;
        c.shards = [];
        for (var k = first; k <= last; k++) c.shards.push(k);
      });
      return out;
    }

    function shardsFor(text) {
      var needed = [];
      clauses(text).forEach(function (c) {
        c.shards.forEach(function (k) { if (needed.indexOf(k) < 0) needed.push(k); });
      });
      return needed.sort(function (a, b) { return a - b; });
    }

    function addShard(k, serialized) {
      if (!loaded[k]) loaded[k] = lunr.Index.load(serialized);
    }

    /* [[position, score], ...] best first; every shard the query needs must be added. */
    function search(text) {
      var byShard = {};
      clauses(text).forEach(function (c) {
        c.shards.forEach(function (k) { (byShard[k] = byShard[k] || []).push(c); });
      });
      var scores = {};
      Object.keys(byShard).sort(function (a, b) { return a - b; }).forEach(function (k) {
        var index = loaded[k];
        if (!index) throw new Error("tranche d'index non chargée : " + k);
        index.query(function (q) {
          byShard[k].forEach(function (c) {
            var options = { usePipeline: false, boost: c.boost };
            if (c.prefix) options.wildcard = lunr.Query.wildcard.TRAILING;
            // Only when wanted: lunr.js takes any clause with an editDistance (even 0) as
            // fuzzy, and a fuzzy clause ignores its wildcard.
            if (c.typo) options.editDistance = 1;
            q.term(c.term, options);
          });
        }).forEach(function (r) {
          scores[r.ref] = (scores[r.ref] || 0) + r.score;
        });
      });
      return Object.keys(scores).map(function (ref) {
        return [Number(ref), Math.round(scores[ref] * 1e6) / 1e6];
      }).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    }

    return { analyse: analyse, clauses: clauses, shardsFor: shardsFor, addShard: addShard,
      search: search, fold: fold };
  };
})(typeof window !== "undefined" ? window : globalThis);
