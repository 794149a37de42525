#!/usr/bin/env bash
# Crash-safety run (docs/performance.md §6): SMS load against the packaged gateway, killed with
# SIGKILL N times and started again on the same data dir; then every acknowledged webhook is
# replayed (each must be a duplicate) and the outbox must drain with every reply delivered at
# least once. Exit 1 when a check fails. Needs a gateway with the SMS channel; skipped (exit 0)
# without one. --quick: the short variant for CI (2 kills, 20 s, about 2 minutes with the drain).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--quick" ]; then
  shift
  set -- --crash 2 --seconds 20 --sms-rate 40 "$@"
fi
exec scripts/load.sh --crash 10 --seconds 110 --sms-rate 50 "$@"
