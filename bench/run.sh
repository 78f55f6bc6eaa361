#!/usr/bin/env bash
# run.sh runs every benchmark of this module against both implementations
# and prints benchstat's comparison: a column for golang/groupcache
# (impl=upstream), one for this repository's engine (impl=ours), and the
# change from the first to the second, over the medians of COUNT runs.
#
#	bench/run.sh            # COUNT=6 runs, about 6 minutes on 2 cores
#	COUNT=1 bench/run.sh    # a quick look
#
# The raw results go to bench/out/bench.txt, the table to
# bench/out/table.txt. It is `go test -run '^$' -bench . -count $COUNT`,
# split into four runs of one test binary so that each kind of benchmark
# gets a run length that suits it:
#   - Hit: 1s per benchmark, with GOMAXPROCS=2 (the parallel-hit target
#     compares mode=parallel with mode=serial at 2).
#   - Miss: a fixed 200,000 Gets, since golang/groupcache never frees the
#     entries of a group and evict=no keeps every one.
#   - PeerFetch and GetMany: 1s per benchmark; the peers are child
#     processes, started once per implementation and stopped when the
#     binary exits.
#   - Memory, HitRatio and Dedup: one iteration each, which is one whole
#     measurement (a million entries, a million requests, one cold key).
set -euo pipefail

# benchstat has no release tags; this is its newest commit when pinned.
readonly BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
readonly COUNT=${COUNT:-6}

cd "$(dirname "${BASH_SOURCE[0]}")"
mkdir -p out
go test -c -o out/bench.test .
raw=out/bench.txt
: >"$raw"

bench() {
	# The peer command is built from this directory, so run from here.
	./out/bench.test -test.run '^$' -test.count "$COUNT" "$@" | tee -a "$raw"
}
bench -test.bench '^BenchmarkHit$' -test.benchtime 1s -test.cpu 2
bench -test.bench '^BenchmarkMiss$' -test.benchtime 200000x
bench -test.bench '^BenchmarkPeerFetch$' -test.benchtime 1s
bench -test.bench '^BenchmarkGetMany$' -test.benchtime 1s
bench -test.bench '^Benchmark(Memory|HitRatio|Dedup)$' -test.benchtime 1x

echo
go run "$BENCHSTAT" -col '/impl@(upstream ours)' "$raw" | tee out/table.txt
