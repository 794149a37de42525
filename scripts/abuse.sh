#!/usr/bin/env bash
# Abuse run (issue 18; docs/performance.md §11): the packaged gateway behind a trusted proxy
# address (the driver on loopback), with the default per-client limits. Measures the web chat
# sockets one client can hold, the conversations it can open in a minute, the bytes the gateway
# queues for clients that never read, a real login's time unloaded and under 60 bogus logins from
# 60 clients, and whether a correct login gets in after 100 failures from 10 other clients.
# Prints each figure with its bound; exit 1 when a bound is exceeded. About 4 minutes.
#   scripts/abuse.sh [--heap 512m] [--keep-data]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f gateway/target/haven.jar ] || [ ! -f load/target/haven-load.jar ]; then
  mvn -q -B -o -DskipTests -pl gateway,load -am package
fi
exec java -Xmx512m -jar load/target/haven-load.jar --abuse "$@"
