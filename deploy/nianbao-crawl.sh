#!/usr/bin/env bash
# The nightly crawl, for cron or systemd: one run at a time, a log per night, cron mails on failure.
# Usage: deploy/nianbao-crawl.sh [PROJECT_DIR]
set -euo pipefail
dir="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$dir"
mkdir -p logs
log="logs/crawl-$(date -u +%Y%m%d-%H%M%S).log"
# flock: a run still going when the next one starts makes the next one exit at once (status 75).
exec 9>"archive.db.cron.lock"
if ! flock -n 9; then
  echo "nianbao: previous crawl still running; skipped" >&2
  exit 75
fi
status=0
make crawl >"$log" 2>&1 || status=$?
# Keep 60 nights of logs.
ls -1t logs/crawl-*.log 2>/dev/null | tail -n +61 | xargs -r rm -f
if [ "$status" -ne 0 ]; then
  echo "nianbao crawl failed (exit $status); last lines of $log:" >&2
  tail -n 40 "$log" >&2
fi
exit "$status"
