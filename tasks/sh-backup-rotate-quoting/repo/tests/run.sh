#!/usr/bin/env bash
# Run the test suite: tests/run.sh
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=assert.sh
. "$root/tests/assert.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for stamp in 20240101-020000 20240102-020000 20240103-020000 20240104-020000; do
    : > "$work/db-$stamp.tar.gz"
done
: > "$work/web-20240101-030000.tar.gz"
: > "$work/notes.txt"

assert_eq "$(printf 'db\t4\t20240104-020000\nweb\t1\t20240101-030000')" "$("$root/bin/backup-report" "$work")" "report"

out=$("$root/bin/rotate-backups" -n -k 2 "$work")
assert_eq "$(printf 'would delete: %s\nwould delete: %s' "$work/db-20240102-020000.tar.gz" "$work/db-20240101-020000.tar.gz")" "$out" "dry run"
assert_eq 6 "$(find "$work" -type f | wc -l | tr -d ' ')" "dry run deletes nothing"

"$root/bin/rotate-backups" -k 2 "$work" > /dev/null
assert_eq "db-20240103-020000.tar.gz db-20240104-020000.tar.gz notes.txt web-20240101-030000.tar.gz" \
    "$(cd "$work" && echo *)" "rotation keeps the newest"

assert_eq "" "$("$root/bin/backup-cronlint" "$root/etc/backup-rotate.cron")" "shipped crontab is valid"
printf '61 4 * * * backup true\n*/0 * * * * backup true\nMAILTO=ops\n0 5 * * 8 Backup true\n' > "$work/bad.cron"
assert_eq "$(printf '%s\n' "$work/bad.cron:1: bad minute field: 61" "$work/bad.cron:2: bad minute field: */0" "$work/bad.cron:4: bad day-of-week field: 8" "$work/bad.cron:4: bad user name: Backup")" \
    "$("$root/bin/backup-cronlint" "$work/bad.cron")" "crontab problems are listed"

finish
