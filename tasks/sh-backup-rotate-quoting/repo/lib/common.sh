# shellcheck shell=bash
# Shared helpers for the backup tools. Source this file; it does not run anything by itself.

BACKUP_NAME_RE='^(.+)-([0-9]{8}-[0-9]{6})\.tar\.gz$'

log() {
    printf '%s\n' "$*" >&2
}

die() {
    log "error: $*"
    exit 2
}

# is_backup_name NAME: true when NAME (a base name) follows the naming scheme.
is_backup_name() {
    [[ $1 =~ $BACKUP_NAME_RE ]]
}

# backup_label NAME: print the label part of a backup file name.
backup_label() {
    [[ $1 =~ $BACKUP_NAME_RE ]] && printf '%s\n' "${BASH_REMATCH[1]}"
}

# backup_stamp NAME: print the YYYYMMDD-HHMMSS part of a backup file name.
backup_stamp() {
    [[ $1 =~ $BACKUP_NAME_RE ]] && printf '%s\n' "${BASH_REMATCH[2]}"
}

# list_backups DIR: print the base names of all backup files in DIR, one per line.
list_backups() {
    local dir=$1 name
    for path in $dir/*.tar.gz; do
        [ -f "$path" ] || continue
        name=$(basename $path)
        if is_backup_name "$name"; then
            echo $name
        fi
    done
}

# labels_in DIR: print the distinct labels found in DIR, sorted.
labels_in() {
    local name
    for name in $(list_backups "$1"); do
        backup_label "$name"
    done | sort -u
}
