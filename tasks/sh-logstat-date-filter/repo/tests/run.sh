#!/usr/bin/env bash
# Smoke tests: tests/run.sh
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
fail=0
check() {
    if [ "$2" = "$3" ]; then echo "ok   $1"; else printf 'FAIL %s\n--- expected\n%s\n--- actual\n%s\n' "$1" "$2" "$3"; fail=1; fi
}
tab=$(printf '\t')

check "by path" "2${tab}/api/login
2${tab}/index.html
1${tab}/app.css
1${tab}/missing
total${tab}6" "$("$root/bin/logstat" "$root/tests/sample.log" 2>/dev/null)"

check "status class" "1${tab}/api/login
1${tab}/missing
total${tab}2" "$("$root/bin/logstat" --status 4xx "$root/tests/sample.log" 2>/dev/null)"

check "malformed lines reported" "logstat: skipped 1 malformed line(s)" "$("$root/bin/logstat" "$root/tests/sample.log" 2>&1 >/dev/null)"

check "top and stdin" "2${tab}192.0.2.77
total${tab}6" "$("$root/bin/logstat" --by ip --top 1 < "$root/tests/sample.log" 2>/dev/null)"

check "logbytes" "2.3 KiB${tab}2${tab}/index.html
512 B${tab}1${tab}/app.css
total${tab}3.1 KiB" "$("$root/bin/logbytes" --top 2 "$root/tests/sample.log" 2>/dev/null)"

exit "$fail"
