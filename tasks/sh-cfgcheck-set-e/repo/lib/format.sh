# shellcheck shell=bash
# Canonical layout for .conf files, used by cfgfmt. Pure text in, text out: nothing here reads
# the checks or the counters of cfgcheck.

# format_conf: read a .conf file on stdin, print it in canonical form on stdout:
# - "key = value" with exactly one space around the first "=", the key and value trimmed;
# - "[section]" headers without inner or surrounding blanks, preceded by one blank line
#   (except at the top of the file);
# - comment lines kept as they are, but left-aligned;
# - trailing whitespace removed, runs of blank lines squeezed to one, no blank line at the end.
# Lines that are none of these (syntax errors) are kept verbatim: cfgcheck reports them.
format_conf() {
    awk '
        function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
        function emit(line) {
            if (line == "") { if (printed && !blank) blank = 1; return }
            if (blank) { print ""; blank = 0 }
            print line; printed = 1
        }
        {
            sub(/\r$/, "")
            line = $0
            sub(/[ \t]+$/, "", line)
            stripped = trim(line)
            if (stripped == "") { emit(""); next }
            if (stripped ~ /^[#;]/) { emit(stripped); next }
            if (stripped ~ /^\[[ \t]*[A-Za-z0-9_.-]+[ \t]*\]$/) {
                gsub(/[][ \t]/, "", stripped)
                if (printed) blank = 1
                emit("[" stripped "]")
                next
            }
            eq = index(stripped, "=")
            if (eq > 1) {
                key = trim(substr(stripped, 1, eq - 1))
                value = trim(substr(stripped, eq + 1))
                if (key !~ /[ \t]/) {
                    emit(value == "" ? key " =" : key " = " value)
                    next
                }
            }
            emit(line)
        }'
}

# needs_format FILE: true when FILE is not in canonical form.
needs_format() {
    local file=$1
    ! cmp -s "$file" <(format_conf < "$file")
}
