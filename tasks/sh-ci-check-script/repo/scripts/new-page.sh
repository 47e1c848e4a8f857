#!/usr/bin/env bash
# Create docs/SLUG.md with a title and the standard sections, then rebuild the index.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: new-page.sh SLUG \"Title\"" >&2
    exit 2
fi
slug=$1
title=$2
case $slug in
    *[!a-z0-9-]*|'') echo "slug must be lowercase letters, digits and dashes" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
page="$root/docs/$slug.md"
if [ -e "$page" ]; then
    echo "already exists: docs/$slug.md" >&2
    exit 1
fi
cat > "$page" <<PAGE
# $title

## Why

## How

## Who to ask
PAGE
"$root/scripts/build-index.sh"
echo "created docs/$slug.md"
