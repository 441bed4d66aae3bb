#!/usr/bin/env bash
# The consistency checker: starts Redis and several application JVMs, drives randomized operations under a
# fault schedule, checks the recorded history per pattern and writes consistency/results/<date>-<seed>/.
#
#   consistency/run.sh                       short mode (default): standalone, ~95 s of load, < 4 minutes
#   consistency/run.sh --self-check          the broken implementations; every one must be caught
#   consistency/run.sh --full                long, on standalone, Sentinel and Cluster
#   consistency/run.sh --topology sentinel   short mode on another topology (sentinel | cluster)
#   consistency/run.sh --seed 42             replay a run's schedule and operation sequence
#   (also --duration SECONDS, --apps N)
#
# Builds through the reactor (nothing is installed into ~/.m2). Every process it starts runs in its own
# process group, which is killed on exit and after a hard wall-clock limit.
set -uo pipefail
cd "$(dirname "$0")/.."

limit=240
for arg in "$@"; do
  case "$arg" in
    --self-check) limit=200 ;;
    --full) limit=5400 ;;
  esac
done

mkdir -p consistency/target
if ! ./mvnw -B -q -pl consistency -am package -Dmaven.test.skip=true >consistency/target/build.log 2>&1; then
  tail -40 consistency/target/build.log
  echo "consistency: build failed (consistency/target/build.log)"
  exit 2
fi
classpath="consistency/target/classes:$(cat consistency/target/classpath.txt)"

setsid java -Xmx512m -XX:+UseSerialGC -cp "$classpath" dev.redispatterns.consistency.driver.Driver "$@" &
driver=$!
started=$(date +%s)   # the limit bounds the run itself, not the build before it

cleanup() {
  kill -TERM -- "-$driver" 2>/dev/null || true
  for _ in 1 2 3 4 5; do
    kill -0 -- "-$driver" 2>/dev/null || break
    sleep 1
  done
  kill -KILL -- "-$driver" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

while kill -0 "$driver" 2>/dev/null; do
  if [ $(( $(date +%s) - started )) -gt "$limit" ]; then
    echo "consistency: hard limit of ${limit} s reached; killing every process of the run"
    kill -KILL -- "-$driver" 2>/dev/null
    break
  fi
  sleep 1
done
wait "$driver"
exit $?
