// Loads the built site's search data under node, exactly as the browser does
// (facet table, every index shard, the engine with lunr.fr's stemmer), and answers queries
// read as JSON from stdin:
// {"requetes": [...], "mots": [...]} → {"resultats": [[[position, score], ...], ...], "racines": [...]}.
// Usage: node interroger.js SITE_DIR
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [siteDir] = process.argv.slice(2);

const sandbox = { window: {} };
vm.createContext(sandbox);
const run = (file) => vm.runInContext(fs.readFileSync(file, "utf8"), sandbox);
run(path.join(siteDir, "assets/terreau/lunr/lunr-fr.js"));  // as a browser: lunr on the global
const lunr = sandbox.lunr;
run(path.join(siteDir, "assets/terreau/moteur.js"));
const dataDir = path.join(siteDir, "assets/terreau/recherche");
run(path.join(dataDir, "facettes.js"));
const engine = sandbox.window.TerreauMoteur(lunr, sandbox.window.TERREAU_FACETTES);
sandbox.window.TERREAU_FACETTES.tranches.forEach((_, k) => {
  run(path.join(dataDir, `index-${k}.js`));
  engine.addShard(k, sandbox.window.TERREAU_TRANCHES[k]);
});


const input = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify({
  resultats: input.requetes.map((q) => engine.search(q)),
  racines: input.mots.map((w) => engine.analyse(w).join(" ")),
}));
