#!/usr/bin/env bash
# A real inbox login's latency unloaded and under 60 bogus logins running without pause (from 1,
# 4 and 60 clients behind a trusted proxy), and wrong passphrase vs wrong code answer times.
# Prints medians and ratios; asserts nothing (figures in docs/performance.md, "Logins under load").
#   scripts/login-load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B -o -q -pl gateway test -Dtest=LoginLoadMeasurement -Dhaven.measure=true -Dsurefire.failIfNoSpecifiedTests=false
