# bytes.awk: total response sizes per path from Common Log Format lines.
# Input: raw log lines. Output: "<bytes> TAB <human> TAB <requests> TAB <path>", biggest first is
# done by the caller (sort). "-" (no body) counts as 0 bytes; malformed lines are skipped and
# counted into the file named by "badfile"; the human-readable grand total goes to "totalfile".

# human(n): 1023 -> "1023 B", 1536 -> "1.5 KiB", 5242880 -> "5.0 MiB" (binary units, one decimal).
function human(n,    units, i) {
    split("B KiB MiB GiB TiB", units, " ")
    i = 1
    while (n >= 1024 && i < 5) {
        n /= 1024
        i++
    }
    return i == 1 ? sprintf("%d B", n) : sprintf("%.1f %s", n, units[i])
}

BEGIN { OFS = "\t"; bad = 0 }
{
    if (match($0, /"[A-Z]+ [^ "]+( [^"]*)?" [0-9][0-9][0-9] ([0-9]+|-)$/) == 0) {
        bad++
        next
    }
    request = substr($0, RSTART + 1, RLENGTH - 1)
    split(request, req, " ")
    size = $NF == "-" ? 0 : $NF + 0
    bytes[req[2]] += size
    total += size
    hits[req[2]]++
}
END {
    for (path in bytes) print bytes[path], human(bytes[path]), hits[path], path
    if (badfile != "") print bad > badfile
    if (totalfile != "") print human(total) > totalfile
}
