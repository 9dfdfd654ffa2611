# Shared by scripts/servir and scripts/tester: a virtual environment with Terreau installed.
# Sourced, not run: it sets no shell option of its caller (each script sets its own).
# Installs only what is missing, so a second run is quick. With TERREAU_EXTRAS=test, the
# exact versions of requirements/test.txt (made by pip-compile from pyproject.toml: see
# the README) are installed, so that every machine tests the same thing.
cd "$(dirname "${BASH_SOURCE[0]}")/.." || return 1
export NO_MKDOCS_2_WARNING=1
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "Création de l'environnement Python (.venv)…"
  "$PYTHON" -m venv .venv || return 1
fi
stamp=.venv/.terreau-installe
extras="${TERREAU_EXTRAS:-}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements/test.txt -nt "$stamp" ] \
   || ! grep -qx "extras=$extras" "$stamp"; then
  echo "Installation de Terreau et de ses dépendances…"
  .venv/bin/python -m pip install --quiet --upgrade pip || return 1
  if [ -n "$extras" ]; then
    .venv/bin/python -m pip install --quiet -r requirements/test.txt || return 1
    .venv/bin/python -m pip install --quiet --no-deps -e ".[$extras]" || return 1
  else
    .venv/bin/python -m pip install --quiet -e . || return 1
  fi
  echo "extras=$extras" > "$stamp"
fi
