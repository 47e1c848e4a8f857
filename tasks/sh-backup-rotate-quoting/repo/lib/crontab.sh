# shellcheck shell=bash
# Checks for /etc/cron.d style files (five time fields, a user, a command), used by
# bin/backup-cronlint to vet etc/backup-rotate.cron before it is installed.

# cron_field_ok VALUE LOW HIGH: true when VALUE is a valid cron field for the range LOW-HIGH:
# "*", "*/N", or a comma list of numbers and ranges "A-B" (optionally "/N"), all inside LOW-HIGH.
cron_field_ok() {
    local value=$1 low=$2 high=$3 item base step start end
    local -a items
    [ -n "$value" ] || return 1
    # read -a, not an unquoted $value: "*" must not be expanded as a glob.
    IFS=, read -r -a items <<< "$value"
    for item in "${items[@]}"; do
        base=${item%%/*}
        step=
        if [ "$base" != "$item" ]; then
            step=${item#*/}
            [[ $step =~ ^[1-9][0-9]*$ ]] || return 1
        fi
        if [ "$base" = "*" ]; then
            continue
        fi
        if [[ $base =~ ^([0-9]+)-([0-9]+)$ ]]; then
            start=$((10#${BASH_REMATCH[1]}))
            end=$((10#${BASH_REMATCH[2]}))
        elif [[ $base =~ ^[0-9]+$ ]]; then
            start=$((10#$base))
            end=$start
        else
            return 1
        fi
        [ "$start" -ge "$low" ] && [ "$end" -le "$high" ] && [ "$start" -le "$end" ] || return 1
    done
    return 0
}

# cron_check_line LINE: print the problems of one line of a cron.d file ("" when it is fine).
cron_check_line() {
    local line=$1 minute hour dom month dow user command
    case $line in
        ''|'#'*) return 0 ;;
    esac
    if [[ $line =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then
        return 0 # an environment assignment
    fi
    read -r minute hour dom month dow user command <<< "$line"
    if [ -z "$command" ]; then
        echo "expected five time fields, a user and a command"
        return 0
    fi
    cron_field_ok "$minute" 0 59 || echo "bad minute field: $minute"
    cron_field_ok "$hour" 0 23 || echo "bad hour field: $hour"
    cron_field_ok "$dom" 1 31 || echo "bad day-of-month field: $dom"
    cron_field_ok "$month" 1 12 || echo "bad month field: $month"
    cron_field_ok "$dow" 0 7 || echo "bad day-of-week field: $dow"
    if [[ ! $user =~ ^[a-z_][a-z0-9_-]*$ ]]; then
        echo "bad user name: $user"
    fi
}
