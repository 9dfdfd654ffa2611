/* Terreau search engine: the browser half of terreau/search_index.py, with no DOM.
 *
 * The analysis mirrors the Python side exactly: words of letters and digits, French stop
 * words, accents folded, then the Snowball French stemmer of lunr.fr. A query asks for the
 * exact stem; then, for a term few cards hold, a shorter stem as a prefix (or the stem itself
 * for short terms) and a one-letter typo, with the counts, lengths and boosts the facet table
 * carries (« requete »). Which shards to load is known before the counts: every clause that
 * may be asked.
 * The index comes in shards of whole term ranges, read as they are (sorted terms, and for
 * each the cards holding it with their score): no lunr index is built. Each query term is
 * scored in each shard apart, with lunr's arithmetic (search_index.ShardedIndex.search), the
 * scores of a card are added across shards, ties go to the earlier position. A shard also
 * carries the title, address and kind of the best cards of its terms (``row``).
 * Usable from the browser (window.TerreauMoteur) and from node (tests).
 */
(function (root) {
  "use strict";

  function fold(text) {
    return text.replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/Œ/g, "OE").replace(/Æ/g, "AE")
      .normalize("NFD").replace(/[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g, "");
  }

  /* Whether a is b or one edit away (a letter added, removed, replaced, or two neighbours
   * swapped): lunr's fuzzy match with edit distance 1, as search_index.one_edit. */
  function oneEdit(a, b) {
    if (a === b) return true;
    if (Math.abs(a.length - b.length) > 1) return false;
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    if (a.length > b.length) return a.slice(i + 1) === b.slice(i);
    if (a.length < b.length) return a.slice(i) === b.slice(i + 1);
    return a.slice(i + 1) === b.slice(i + 1) ||
      (a.slice(i + 2) === b.slice(i + 2) && a[i] === b[i + 1] && a[i + 1] === b[i]);
  }

  /* The first index whose term is not below term (terms are sorted). */
  function lowerBound(terms, term) {
    var lo = 0, hi = terms.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (terms[mid] < term) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  root.TerreauMoteur = function (lunr, data) {
    var stop = Object.create(null);
    data.vides.forEach(function (w) { stop[w] = true; });
    var starts = data.tranches;
    var scale = data.echelle;  // scores are shipped in thousandths (search_index.SCALE)
    var loaded = {};
    var rows = {};

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

    function shard(k) {
      var s = loaded[k];
      if (!s) throw new Error("tranche d'index non chargée : " + k);
      return s;
    }

    function find(s, term) {
      var i = lowerBound(s.termes, term);
      return i < s.termes.length && s.termes[i] === term ? i : -1;
    }

    /* The rules' numbers come from terreau/derive/search_index.py (EXPANSION). */
    var r = data.requete;

    /* How many cards hold the exact term (its shard must be loaded). */
    function cardsWith(term) {
      var s = shard(shardOf(term)), i = find(s, term);
      return i < 0 ? 0 : s.postes[i].length / 2;
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

    function addShard(k, raw) {
      if (loaded[k]) return;
      loaded[k] = raw;
      (raw.fiches || []).forEach(function (row) { rows[row[0]] = row.slice(1); });
    }

    /* The terms (their numbers, in order) a clause meets in a shard. */
    function matching(s, c) {
      var found = [], i;
      if (c.typo) {
        for (i = 0; i < s.termes.length; i++) if (oneEdit(s.termes[i], c.term)) found.push(i);
      } else if (c.prefix) {
        for (i = lowerBound(s.termes, c.term); i < s.termes.length && s.termes[i].lastIndexOf(c.term, 0) === 0; i++) {
          found.push(i);
        }
      } else if ((i = find(s, c.term)) >= 0) {
        found.push(i);
      }
      return found;
    }

    /* [[position, score], ...] best first; every shard the query needs must be added. */
    function search(text) {
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
      // Positions are small integers: typed arrays rather than objects keyed by position.
      var scores = new Float64Array(data.n), found = [], seen = new Uint8Array(data.n);
      groups.forEach(function (g) {
        var s = shard(g.shard), weights = {}, terms = [];
        g.clauses.forEach(function (c) {
          matching(s, c).forEach(function (i) {
            if (weights[i] === undefined) { weights[i] = 0; terms.push(i); }
            weights[i] += c.boost;
          });
        });
        if (!terms.length) return;
        terms.sort(function (a, b) { return a - b; });
        var square = 0;
        terms.forEach(function (i) { square += weights[i] * weights[i]; });
        var length = Math.sqrt(square);
        // Sums of integers (exact), then one division: the same number as in Python.
        var sums = new Float64Array(data.n), here = new Uint8Array(data.n), touched = [];
        terms.forEach(function (i) {
          var posting = s.postes[i], w = weights[i], position = 0;
          for (var j = 0; j < posting.length; j += 2) {
            position += posting[j];
            if (!here[position]) { here[position] = 1; touched.push(position); }
            sums[position] += w * posting[j + 1];
          }
        });
        touched.forEach(function (p) {
          if (!seen[p]) { seen[p] = 1; found.push(p); }
          scores[p] += sums[p] / scale / length;
        });
      });
      return found.map(function (p) {
        return [p, Math.round(scores[p] * 1e6) / 1e6];
      }).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    }

    /* What a loaded shard tells of a card before its summary: [title, address, kind]. */
    function row(position) {
      return rows[position];
    }

    return { analyse: analyse, clauses: clauses, shardsFor: shardsFor, addShard: addShard,
      search: search, row: row, fold: fold };
  };
})(typeof window !== "undefined" ? window : globalThis);
