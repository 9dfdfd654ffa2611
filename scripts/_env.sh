# Shared by scripts/servir and scripts/tester: a virtual environment with Terreau installed.
# Sourced, not run. Installs only what is missing, so a second run is quick.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NO_MKDOCS_2_WARNING=1
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "Création de l'environnement Python (.venv)…"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.terreau-installe
extras="${TERREAU_EXTRAS:-}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || ! grep -qx "extras=$extras" "$stamp"; then
  echo "Installation de Terreau et de ses dépendances…"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
  echo "extras=$extras" > "$stamp"
fi
