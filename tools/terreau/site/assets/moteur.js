/* Terreau search engine: the browser half of terreau/search_index.py, with no DOM.
 *
 * The analysis mirrors the Python side exactly: words of letters and digits, French stop
 * words, accents folded, then the Snowball French stemmer of lunr.fr. A query asks for the
 * exact stem; then, for a term few cards hold, a shorter stem as a prefix (or the stem itself
 * for short terms) and a one-letter typo, with the counts, lengths and boosts the facet table
 * carries (« requete »). Which shards to load is known before the counts: every clause that
 * may be asked.
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

    /* How many cards hold the exact term (its shard must be loaded). */
    function cardsWith(term) {
      var index = loaded[shardOf(term)];
      if (!index) throw new Error("tranche d'index non chargée : " + shardOf(term));
      var posting = index.invertedIndex[term], refs = {};
      if (!posting) return 0;
      Object.keys(posting).forEach(function (field) {
        if (field !== "_index") Object.keys(posting[field]).forEach(function (ref) { refs[ref] = true; });
      });
      return Object.keys(refs).length;
    }

    /* A term is widened only where few cards hold it (« peu », « faute_peu »); without
     * countOf, every clause that may be asked (to know which shards to load). */
    function clauses(text, countOf) {
      var out = [];
      analyse(text).forEach(function (t) {
        out.push({ term: t, boost: r.exacte, of: t });
        var held = countOf ? countOf(t) : 0;
        if (held >= r.peu) return;
        if (t.length >= r.prefixe_des) {
          var cut = t.slice(0, Math.max(r.prefixe_garde, t.length - r.prefixe_coupe));
          out.push({ term: cut, boost: r.prefixe_poids, prefix: true, of: t });
        } else if (t.length >= r.court_des) {
          out.push({ term: t, boost: r.court_poids, prefix: true, of: t });
        }
        if (t.length >= r.faute_des && held < r.faute_peu) out.push({ term: t, boost: r.faute_poids, typo: true, of: t });
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
      // One lunr query per query term and shard (as search_index.ShardedIndex.search): a
      // query's scores are divided by the length of its vector, so terms asked apart add up
      // the same however the index is cut.
      var groups = [], byKey = {}, stems = [];
      clauses(text, cardsWith).forEach(function (c) {
        if (stems.indexOf(c.of) < 0) stems.push(c.of);
        var of = stems.indexOf(c.of);
        c.shards.forEach(function (k) {
          var key = of + "/" + k;
          if (!byKey[key]) groups.push(byKey[key] = { of: of, shard: k, clauses: [] });
          byKey[key].clauses.push(c);
        });
      });
      groups.sort(function (a, b) { return a.of - b.of || a.shard - b.shard; });
      var scores = {};
      groups.forEach(function (g) {
        var index = loaded[g.shard];
        if (!index) throw new Error("tranche d'index non chargée : " + g.shard);
        index.query(function (q) {
          g.clauses.forEach(function (c) {
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
