# shellcheck shell=bash
# Option parsing for logstat. Sets: by, status_filter, top, files (array).
# The variables are read by bin/logstat, which shellcheck cannot see from here.
# shellcheck disable=SC2034

usage() {
    echo "usage: logstat [--by path|ip|status|method] [--status CODE] [--top N] [FILE...]" >&2
    exit 2
}

usage_error() {
    echo "logstat: $*" >&2
    exit 2
}

parse_args() {
    by=path
    status_filter=""
    top=""
    files=()
    while [ $# -gt 0 ]; do
        case $1 in
            --by)
                [ $# -ge 2 ] || usage
                case $2 in
                    path|ip|status|method) by=$2 ;;
                    *) usage_error "cannot group by: $2" ;;
                esac
                shift 2
                ;;
            --status)
                [ $# -ge 2 ] || usage
                [[ $2 =~ ^[1-5]([0-9][0-9]|xx)$ ]] || usage_error "invalid status: $2"
                status_filter=$2
                shift 2
                ;;
            --top)
                [ $# -ge 2 ] || usage
                [[ $2 =~ ^[1-9][0-9]*$ ]] || usage_error "invalid --top: $2"
                top=$2
                shift 2
                ;;
            --help|-h)
                usage
                ;;
            --)
                shift
                files+=("$@")
                break
                ;;
            -?*)
                usage_error "unknown option: $1"
                ;;
            *)
                files+=("$1")
                shift
                ;;
        esac
    done
    if [ ${#files[@]} -eq 0 ]; then
        files=(-)
    fi
}
