# shellcheck shell=bash
# The individual checks. Each prints problems as "<level><TAB><message>" lines on stdout.

# Lines that carry content: not blank, not a comment. Printed as "<lineno>:<line>".
content_lines() {
    grep -n -v -E '^[[:space:]]*([#;].*)?$' "$1"
}

# check_syntax FILE
check_syntax() {
    local file=$1 numbered lineno line
    while IFS= read -r numbered; do
        lineno=${numbered%%:*}
        line=${numbered#*:}
        if [[ $line =~ ^[[:space:]]*\[[A-Za-z0-9_.-]+\][[:space:]]*$ ]]; then
            continue
        fi
        if [[ ! $line =~ ^[[:space:]]*[^=[:space:]]+[[:space:]]*= ]]; then
            printf 'error\tline %s: not a "key = value" line\n' "$lineno"
        fi
    done < <(content_lines "$file" || true)
}

# check_keys FILE: duplicate keys (per section), empty values, key naming.
check_keys() {
    local file=$1 keys
    # section<TAB>key<TAB>lineno<TAB>value for every setting
    keys=$(content_lines "$file" | awk -F: '
        {
            lineno = $1; sub(/^[0-9]+:/, "")
            if ($0 ~ /^[ \t]*\[/) { section = $0; gsub(/[][ \t]/, "", section); next }
            eq = index($0, "="); if (eq == 0) next
            key = substr($0, 1, eq - 1); value = substr($0, eq + 1)
            gsub(/^[ \t]+|[ \t]+$/, "", key); gsub(/^[ \t]+|[ \t]+$/, "", value)
            printf "%s\t%s\t%s\t%s\n", section, key, lineno, value
        }' | grep -v -E '^[^\t]*\t\t')
    if [ -z "$keys" ]; then
        printf 'warning\tno settings\n'
        return 0
    fi
    printf '%s\n' "$keys" | awk -F'\t' '
        {
            id = $1 "\t" $2
            if (id in first) printf "error\tline %s: duplicate key %s (first set on line %s)\n", $3, $2, first[id]
            else first[id] = $3
            if ($4 == "") printf "warning\tline %s: empty value for %s\n", $3, $2
            if ($2 !~ /^[a-z][a-z0-9_]*$/) printf "warning\tline %s: key %s is not lower_snake_case\n", $3, $2
        }'
}
