#!/bin/sh
# Runs `make test` N times in a row (default 10) while `stress -c 1` keeps one core busy, and
# stops at the first failure: the check that the suite does not flake on a loaded 2-core machine.
# Each run's output goes to $LOGDIR/run-N.log (default: a new temporary directory). Needs
# Debian's `stress` package (apt-get install stress).
set -u
runs=${1:-10}
logdir=${LOGDIR:-$(mktemp -d)}
command -v stress >/dev/null 2>&1 || { echo "stress-test: install Debian's stress package first" >&2; exit 2; }
cd "$(dirname "$0")/.." || exit 2
stress -c 1 >/dev/null 2>&1 &
busy=$!
trap 'kill $busy 2>/dev/null' EXIT
i=1
while [ "$i" -le "$runs" ]; do
	start=$(date +%s)
	if make test >"$logdir/run-$i.log" 2>&1; then rc=0; else rc=$?; fi
	echo "run $i: exit $rc in $(($(date +%s) - start)) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
	if [ "$rc" -ne 0 ]; then
		echo "stress-test: run $i failed; see $logdir/run-$i.log" >&2
		exit 1
	fi
	i=$((i + 1))
done
echo "stress-test: $runs of $runs passed (logs in $logdir)"
