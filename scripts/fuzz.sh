#!/usr/bin/env bash
# Coverage-guided fuzzing with Jazzer for a set time, one target at a time:
#   scripts/fuzz.sh bot EngineFuzzTest 60        (module, test class, seconds)
#   scripts/fuzz.sh gateway WebChatFrameFuzzTest 60
# A crash is written as a new seed under src/test/resources/…/<Class>Inputs/<method>/ and then
# runs in every ordinary build (regression mode); the working corpus stays in <module>/.cifuzz-corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
module=${1:?module (bot or gateway)} test=${2:?test class} seconds=${3:-60}
mvn -o -q -B -pl "$module" -am install -DskipTests >/dev/null
JAZZER_FUZZ=1 JAZZER_SSRF_PERMISSIVE_UNTIL_CONFIGURED=1 mvn -o -B -pl "$module" test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.hooks=true -Djazzer.max_duration="${seconds}s"
