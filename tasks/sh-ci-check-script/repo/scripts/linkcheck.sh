#!/usr/bin/env bash
# Check the relative links of the handbook: every [text](target.md) or [text](target.md#anchor)
# in docs/*.md must name an existing page, and an anchor must match one of its headings
# (GitHub style: lower case, punctuation dropped, spaces to dashes). Links with a scheme
# (https:, mailto:) and pure #anchors within the page are checked for the anchor only.
# Prints "docs/<page>:<line>: <problem>" per broken link; exit 1 if there is any.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
docs=${DOCS_DIR:-$root/docs}

# slug TEXT: the anchor GitHub generates for a heading.
slug() {
    printf '%s' "$1" | tr '[:upper:]' '[:lower:]' | sed -e 's/[^a-z0-9 _-]//g' -e 's/ /-/g'
}

# anchors PAGE: the anchors of every heading of PAGE, one per line.
anchors() {
    local line
    while IFS= read -r line; do
        if [[ $line =~ ^#{1,6}[[:space:]]+(.*[^[:space:]])[[:space:]]*$ ]]; then
            slug "${BASH_REMATCH[1]}"
            echo
        fi
    done < "$1"
}

broken=0
report() {
    printf 'docs/%s:%d: %s\n' "$1" "$2" "$3"
    broken=$((broken + 1))
}

for page in "$docs"/*.md; do
    [ -e "$page" ] || continue
    name=${page##*/}
    number=0
    while IFS= read -r line; do
        number=$((number + 1))
        rest=$line
        while [[ $rest =~ \]\(([^\)[:space:]]+)\) ]]; do
            target=${BASH_REMATCH[1]}
            rest=${rest#*"${BASH_REMATCH[0]}"}
            case $target in
                *:*) continue ;;
            esac
            file=${target%%#*}
            anchor=
            [ "$file" = "$target" ] || anchor=${target#*#}
            if [ -z "$file" ]; then
                file=$name
            elif [ ! -f "$docs/$file" ]; then
                report "$name" "$number" "no such page: $file"
                continue
            fi
            if [ -n "$anchor" ] && ! anchors "$docs/$file" | grep -qxF -- "$anchor"; then
                report "$name" "$number" "no heading #$anchor in $file"
            fi
        done
    done < "$page"
done

if [ "$broken" -gt 0 ]; then
    exit 1
fi
echo "linkcheck: all links resolve"
