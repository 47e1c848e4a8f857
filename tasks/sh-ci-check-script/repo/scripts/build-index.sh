#!/usr/bin/env bash
# Rebuild docs/index.md from the first "# " heading of every page (or --check it is current).
set -euo pipefail

docs=${DOCS_DIR:-"$(cd "$(dirname "$0")/.." && pwd)/docs"}

render_index() {
    local page title
    echo "# Handbook"
    echo
    for page in "$docs"/*.md; do
        [ "$(basename "$page")" = "index.md" ] && continue
        title=$(grep -m1 '^# ' "$page" | sed 's/^# //') || true
        [ -n "$title" ] || title=$(basename "$page" .md)
        printf -- '- [%s](%s)\n' "$title" "$(basename "$page")"
    done
}

if [ "${1:-}" = "--check" ]; then
    if ! diff -u "$docs/index.md" <(render_index); then
        echo "docs/index.md is out of date: run scripts/build-index.sh" >&2
        exit 1
    fi
    echo "index is up to date"
    exit 0
fi
render_index > "$docs/index.md.tmp"
mv "$docs/index.md.tmp" "$docs/index.md"
