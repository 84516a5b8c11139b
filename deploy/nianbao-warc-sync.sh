#!/usr/bin/env bash
# Ship a worker's WARC files to the writer host, where archive.db's warc_file names resolve.
# Run after the worker has exited (ExecStopPost of nianbao-worker@.service): every file is closed then.
# Usage: deploy/nianbao-warc-sync.sh writer-host:/srv/nianbao/archive/
set -euo pipefail
dest="${1:?usage: nianbao-warc-sync.sh HOST:/srv/nianbao/archive/}"
cd "$(dirname "$0")/../archive"
# File names carry a timestamp and a random token: workers never collide, so nothing is overwritten.
rsync -a --ignore-existing --include='nianbao-*.warc.gz' --exclude='*' ./ "$dest"
