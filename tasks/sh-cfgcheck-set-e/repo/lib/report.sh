# shellcheck shell=bash
# Problem counters and output for cfgcheck.

errors=0
warnings=0
files_checked=0
quiet=0

# report_problem FILE LEVEL MESSAGE
report_problem() {
    local file=$1 level=$2 message=$3
    case $level in
        error)
            ((errors++))
            printf '%s: error: %s\n' "$file" "$message"
            ;;
        warning)
            ((warnings++))
            if [ "$quiet" -eq 0 ]; then
                printf '%s: warning: %s\n' "$file" "$message"
            fi
            ;;
        *)
            printf 'cfgcheck: internal error: unknown level %s\n' "$level" >&2
            exit 3
            ;;
    esac
}

print_summary() {
    printf 'checked %d file(s): %d error(s), %d warning(s)\n' "$files_checked" "$errors" "$warnings"
}
