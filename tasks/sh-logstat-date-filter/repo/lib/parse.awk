# parse.awk: turn Common Log Format lines into tab-separated records on stdout:
#   ip <TAB> day <TAB> month <TAB> year <TAB> method <TAB> path <TAB> status
# Malformed lines are counted; the count is written to the file named by the "badfile" variable.
BEGIN {
    OFS = "\t"
    bad = 0
}
{
    # ip ident user [dd/Mon/yyyy:hh:mm:ss zone] "METHOD path proto" status bytes
    if (match($0, /\[[0-9][0-9]\/[A-Z][a-z][a-z]\/[0-9][0-9][0-9][0-9]:[0-9:]+ [-+][0-9]+\]/) == 0) {
        bad++
        next
    }
    stamp = substr($0, RSTART + 1, RLENGTH - 2)
    rest = substr($0, RSTART + RLENGTH)
    if (match(rest, /"[A-Z]+ [^ "]+( [^"]*)?" [0-9][0-9][0-9] /) == 0 && match(rest, /"[A-Z]+ [^ "]+( [^"]*)?" [0-9][0-9][0-9]$/) == 0) {
        bad++
        next
    }
    request = substr(rest, RSTART + 1)
    split(request, req, " ")
    method = req[1]
    path = req[2]
    status = substr(request, index(request, "\" ") + 2, 3)
    day = substr(stamp, 1, 2)
    month = substr(stamp, 4, 3)
    year = substr(stamp, 8, 4)
    print $1, day, month, year, method, path, status
}
END {
    if (badfile != "") {
        print bad > badfile
    }
}
