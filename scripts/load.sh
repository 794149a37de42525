#!/usr/bin/env bash
# Load run against a Haven on loopback: starts the packaged gateway with a throw-away data dir
# (or attaches to one with --url http://127.0.0.1:PORT), drives web chat sockets and signed SMS
# webhooks, prints throughput and p50/p99/p99.9, exits 1 when a check it was asked for fails.
# Examples (see docs/performance.md):
#   scripts/load.sh --rate 300 --seconds 30 --max-p99-ms 50
#   scripts/load.sh --rate 100 --sms-rate 100 --seconds 30 --pgbench scripts/pgbench-message.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f gateway/target/haven.jar ] || [ ! -f load/target/haven-load.jar ]; then
  mvn -q -B -DskipTests -pl gateway,load -am package
fi
exec java -Xmx512m -jar load/target/haven-load.jar "$@"
