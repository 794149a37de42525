#!/usr/bin/env bash
# Database outage run (docs/performance.md §7): SMS load against the packaged gateway on a PostgreSQL
# of the run's own, which is stopped for N seconds and started again on the same data dir and port.
# Prints what happened (webhooks acknowledged while it was down, the spool's peak, the time to drain,
# replies delivered) and exits 1 when a guarantee fails: every webhook acknowledged, /health degraded
# meanwhile and ok after, spool drained and encrypted, each acknowledged message stored exactly once,
# replies in dialogue order per contact, every reply delivered at least once. Skipped (exit 0)
# without an SMS channel. --quick: the short variant CI runs (8 s outage, about a minute in all).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--quick" ]; then
  shift
  set -- --outage 8 --seconds 10 --sms-rate 40 "$@"
fi
exec scripts/load.sh --outage 30 --seconds 20 --sms-rate 40 "$@"
