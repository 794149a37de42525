#!/usr/bin/env bash
# Holds many web chat conversations open at once against the packaged gateway on loopback and
# reports the gateway's heap after a full GC (idle, with the sessions, after they closed), heap
# per session, resident memory, drops and message latency during the hold (docs/performance.md).
# Both the driver and the gateway it starts need one file descriptor per socket: the soft limit
# is raised to the hard one here (and to 65536 when allowed), and the JVM raises its own too.
# Examples:
#   scripts/sessions.sh                                   # 10,000 sessions, gateway -Xmx1g, --max-heap-mib 1024
#   scripts/sessions.sh --sessions 2000 --seconds 30 --histogram 25
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f gateway/target/haven.jar ] || [ ! -f load/target/haven-load.jar ]; then
  mvn -q -B -DskipTests -pl gateway,load -am package
fi
ulimit -Hn 65536 2>/dev/null || true
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
# the driver holds the other end of every socket: 50,000 take about as much heap as in the gateway
exec java -Xmx3g -jar load/target/haven-load.jar --sessions 10000 --max-heap-mib 1024 "$@"
