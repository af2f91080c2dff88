#!/bin/sh
# pull: writes $GREETING into $WORKDIR/data/greeting.txt (FAIL_WITH=<code> fails instead).
# push: waits for $WORKDIR/notify/ok, then prints each file of $WORKDIR/data.
# Both print the run and stage they were told of, and TOKEN (which the logs must mask).
# SLEEP_FOR=<seconds> makes either wait that long first (to be stopped meanwhile).
set -e
[ -n "$WORKDIR" ] || { echo "WORKDIR is unset"; exit 1; }
echo "$1 for $WORKFLOWRUN_NAME/$STAGE_NAME with token=$TOKEN"
if [ -n "$SLEEP_FOR" ]; then sleep "$SLEEP_FOR"; fi
if [ -n "$FAIL_WITH" ]; then echo "failing as asked"; exit "$FAIL_WITH"; fi
case "$1" in
  pull)
    mkdir -p "$WORKDIR/data"
    printf '%s\n' "$GREETING" > "$WORKDIR/data/greeting.txt"
    echo "pulled into $WORKDIR/data"
    ;;
  push)
    while [ ! -f "$WORKDIR/notify/ok" ]; do sleep 1; done
    for f in "$WORKDIR"/data/*; do echo "pushed $(basename "$f"): $(cat "$f")"; done
    ;;
  *)
    echo "usage: resolver.sh pull|push"
    exit 1
    ;;
esac
