// Loads the built site's search index in lunr.js under node, exactly as the browser does,
// and answers queries read as JSON from stdin: {"requetes": [...], "mots": [...]}.
// Usage: node interroger.js SITE_DIR LUNR_JS STEMMER_SUPPORT_JS LUNR_FR_JS
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [siteDir, lunrJs, supportJs, frJs] = process.argv.slice(2);
const lunr = require(lunrJs);
require(supportJs)(lunr);
require(frJs)(lunr);

const sandbox = { window: {} };
vm.createContext(sandbox);
for (const file of ["moteur.js", "index.js"]) {
  vm.runInContext(fs.readFileSync(path.join(siteDir, "assets/terreau", file), "utf8"), sandbox);
}
const engine = sandbox.window.TerreauMoteur(lunr, sandbox.window.TERREAU_INDEX);

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const out = {
  resultats: input.requetes.map((q) => engine.search(q).map((r) => r.ref)),
  racines: input.mots.map((w) => engine.analyse(w).join(" ")),
};
process.stdout.write(JSON.stringify(out));
