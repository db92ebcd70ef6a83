#!/usr/bin/env bash
# Re-extracts every translatable string, merges new ones into the catalogues and compiles them.
# Run after changing user-facing texts, then translate the new (empty or fuzzy) entries in
# translations/en/LC_MESSAGES/messages.po and run it again to compile.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=.venv/bin/pybabel
$PYBABEL -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --no-location --sort-output --width 120 \
  --ignore-dirs ".* _* node_modules tests migrations bench test-output data translations static" \
  --project Opinia --copyright-holder "Opinia" -o translations/messages.pot .
for lang in en pl; do
  if [ -f "translations/$lang/LC_MESSAGES/messages.po" ]; then
    $PYBABEL -q update -i translations/messages.pot -d translations -l "$lang" --no-fuzzy-matching --ignore-obsolete --width 120
  else
    $PYBABEL -q init -i translations/messages.pot -d translations -l "$lang"
  fi
done
$PYBABEL -q compile -d translations --statistics
