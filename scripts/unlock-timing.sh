#!/usr/bin/env bash
# The passphrase work of an inbox login (hash verify + personal key open) at several Argon2id
# costs: sequential, and 10 at once on the gateway's passphrase pool. Figures in docs/crypto.md.
#   scripts/unlock-timing.sh [ROUNDS [AT_ONCE]]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f load/target/haven-load.jar ]; then
  mvn -q -B -DskipTests -pl load -am package
fi
exec java -Xmx1g -cp load/target/haven-load.jar org.haven.load.UnlockTiming "$@"
