#!/usr/bin/env bash
# The nightly crawl, for cron or systemd: one run at a time, a log per night, cron mails on failure.
# Usage: deploy/nianbao-crawl.sh [--full] [PROJECT_DIR]
#   DB, SITES, CRAWL_ARGS (make's variables: more `nianbao crawl` options) and NIANBAO_LOG_DIR
#   (default logs/) are taken from the environment.
#   --full: the weekly pass that asks for every report again (conditional GETs: unchanged ones answer 304),
#           catching an edit whose list entry kept its date.
set -euo pipefail
mode=""
if [ "${1:-}" = "--full" ]; then
  mode="--full"
  shift
fi
dir="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$dir"
logs="${NIANBAO_LOG_DIR:-logs}"
mkdir -p "$logs"
name=crawl
if [ -n "$mode" ]; then name=full; fi
log="$logs/$name-$(date -u +%Y%m%d-%H%M%S).log"
# flock: a run still going when the next one starts makes the next one exit at once (status 75).
exec 9>"${DB:-archive.db}.cron.lock"
if ! flock -n 9; then
  echo "nianbao: previous crawl still running; skipped" >&2
  exit 75
fi
status=0
make crawl CRAWL_ARGS="$mode ${CRAWL_ARGS:-}" >"$log" 2>&1 || status=$?
# Keep 60 nights of logs and 26 full passes (names sort by time).
find "$logs" -maxdepth 1 -name 'crawl-*.log' | sort -r | tail -n +61 | xargs -r rm -f
find "$logs" -maxdepth 1 -name 'full-*.log' | sort -r | tail -n +27 | xargs -r rm -f
if [ "$status" -ne 0 ]; then
  echo "nianbao crawl failed (exit $status); last lines of $log:" >&2
  tail -n 40 "$log" >&2
fi
exit "$status"
