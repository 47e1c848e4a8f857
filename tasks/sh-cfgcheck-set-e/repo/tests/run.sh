#!/usr/bin/env bash
# Smoke tests: tests/run.sh
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
fail=0

check() {
    local what=$1 expected=$2 actual=$3
    if [ "$expected" = "$actual" ]; then
        echo "ok   $what"
    else
        printf 'FAIL %s\n--- expected\n%s\n--- actual\n%s\n' "$what" "$expected" "$actual"
        fail=1
    fi
}

out=$("$root/bin/cfgcheck" "$root/tests/fixtures/good"); status=$?
check "clean files" "checked 2 file(s): 0 error(s), 0 warning(s)" "$out"
check "clean exit status" 0 "$status"

"$root/bin/cfgcheck" >/dev/null 2>&1; status=$?
check "usage exit status" 2 "$status"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '  # top\n[ server ]\nhost=a  \n\n\n  port   =  8080\nempty=\n' > "$work/messy.conf"
"$root/bin/cfgfmt" -c "$work/messy.conf" >/dev/null; status=$?
check "cfgfmt -c flags a messy file" 1 "$status"
"$root/bin/cfgfmt" "$work/messy.conf" >/dev/null
check "cfgfmt layout" "# top

[server]
host = a

port = 8080
empty =" "$(cat "$work/messy.conf")"
"$root/bin/cfgfmt" -c "$work/messy.conf" >/dev/null; status=$?
check "cfgfmt output is stable" 0 "$status"

exit "$fail"
