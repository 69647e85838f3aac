#!/usr/bin/env bash
# Copy TimelineJS (npm: @knight-lab/timelinejs, the version package-lock.json pins) into the
# site's static files, so that `make run` serves it with no npm and no CDN:
#   npm ci && bash scripts/vendor-timelinejs.sh
# Only what the visual timeline loads is copied: the script, its stylesheet and icon font, the
# Chinese interface texts, the licence. The sourceMappingURL comments are dropped (the maps,
# 1 MB, are not shipped; collectstatic's manifest would otherwise look for them).
# tests/test_visual_timeline.py checks that the copy matches node_modules.
set -euo pipefail

SRC=node_modules/@knight-lab/timelinejs
DEST=hsitp_site/static/vendor/timelinejs
if [ ! -f "$SRC/package.json" ]; then
  echo "error: $SRC not found; run 'npm ci' first" >&2
  exit 1
fi
rm -rf "$DEST"
mkdir -p "$DEST/js/locale" "$DEST/css/icons"
strip_map() { sed -e '/^\/\/# sourceMappingURL=/d' -e 's#/\*\# sourceMappingURL=[^*]*\*/##' "$1" > "$2"; }
strip_map "$SRC/dist/js/timeline.js" "$DEST/js/timeline.js"
strip_map "$SRC/dist/css/timeline.css" "$DEST/css/timeline.css"
cp "$SRC"/dist/css/icons/tl-icons.* "$DEST/css/icons/"
cp "$SRC/dist/js/locale/zh-tw.json" "$SRC/dist/js/locale/zh-cn.json" "$DEST/js/locale/"
cp "$SRC/LICENSE" "$DEST/LICENSE"
cp "$SRC/dist/js/timeline.js.LICENSE.txt" "$DEST/js/timeline.js.LICENSE.txt"
node -p "require('./$SRC/package.json').version" > "$DEST/VERSION"
echo "TimelineJS $(cat "$DEST/VERSION") copied to $DEST"
