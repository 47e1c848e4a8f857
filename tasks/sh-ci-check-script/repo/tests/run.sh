#!/usr/bin/env bash
# Unit tests for the scripts: tests/run.sh
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

check() {
    if [ "$2" = "$3" ]; then echo "ok   $1"; else printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"; fail=1; fi
}

printf '# Beta page\n' > "$work/b.md"
printf 'no heading\n' > "$work/a.md"
DOCS_DIR=$work "$root/scripts/build-index.sh"
check "index lists pages by file name" "# Handbook

- [a](a.md)
- [Beta page](b.md)" "$(cat "$work/index.md")"

DOCS_DIR=$work "$root/scripts/build-index.sh" --check > /dev/null
check "fresh index passes --check" 0 $?

printf '# Gamma\n' > "$work/c.md"
DOCS_DIR=$work "$root/scripts/build-index.sh" --check > /dev/null 2>&1
check "stale index fails --check" 1 $?

exit "$fail"
