# shellcheck shell=bash
# Minimal assertions for the shell test suite.
failures=0

assert_eq() {
    local expected=$1 actual=$2 what=$3
    if [ "$expected" != "$actual" ]; then
        printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$what" "$expected" "$actual"
        failures=$((failures + 1))
    else
        printf 'ok   %s\n' "$what"
    fi
}

finish() {
    [ "$failures" -eq 0 ] && echo "all tests passed" || echo "$failures test(s) failed"
    [ "$failures" -eq 0 ]
}
