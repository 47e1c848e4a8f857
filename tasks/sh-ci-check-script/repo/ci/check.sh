#!/usr/bin/env bash
# CI entry point: run every check, keep a log per check, print a summary and fail if any check failed.
cd "$(dirname "$0")/.." || exit 2

LOG_DIR=${CI_LOG_DIR:-ci-logs}
mkdir -p "$LOG_DIR"

failed=()
checks_run=0

# run_check NAME COMMAND...: run one check with its output shown and saved to $LOG_DIR/NAME.log.
run_check() {
    local name=$1
    shift
    checks_run=$((checks_run + 1))
    echo "::group::$name"
    "$@" 2>&1 | tee "$LOG_DIR/$name.log"
    if [ $? -ne 0 ]; then
        failed+=("$name")
    fi
    echo "::endgroup::"
}

check_shell_syntax() {
    for f in $(find ci scripts tests -name '*.sh' | sort); do
        echo "bash -n $f"
        bash -n "$f"
    done
}

check_json() {
    for f in config/*.json; do
        echo "json $f"
        python3 -m json.tool "$f" > /dev/null
    done
}

run_check shell-syntax check_shell_syntax
run_check json check_json
run_check unit-tests tests/run.sh
run_check index scripts/build-index.sh --check

if [ ${#failed[@]} -gt 0 ]; then
    echo "ci: failed checks: ${failed[*]}"
    exit 1
fi
echo "ci: all $checks_run checks passed"
