#!/usr/bin/env bash
# profile.sh profiles this repository's engine (impl=ours) on three paths
# and prints the top entries of each profile:
#   hit   BenchmarkHit, 64-byte values through a ByteViewSink, serial
#   miss  BenchmarkMiss with eviction on every insert
#   peer  BenchmarkPeerFetch with 8 callers: the client side in the test
#         binary, the server side merged from the three peer processes
# Profiles go to bench/out/prof/; open one with
#   go tool pprof -http=: bench/out/bench.test bench/out/prof/hit.cpu.prof
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
out=$PWD/out/prof
rm -rf "$out"
mkdir -p "$out"
go test -c -o out/bench.test .

# profile NAME BENCH BENCHTIME takes a CPU and an allocation profile of
# one benchmark.
profile() {
	./out/bench.test -test.run '^$' -test.bench "$2" -test.benchtime "$3" \
		-test.cpuprofile "$out/$1.cpu.prof" -test.memprofile "$out/$1.mem.prof"
}

# top BINARY SAMPLE PROFILE... prints the top entries of the merged
# profiles by flat cost, for the sample index SAMPLE (empty: the default).
top() {
	local bin=$1 sample=$2
	shift 2
	echo
	echo "=== $(basename "$1")${sample:+ ($sample)}"
	go tool pprof -top -nodecount=25 ${sample:+-sample_index=$sample} "$bin" "$@" 2>/dev/null | sed -n '/flat%/,$p'
}

profile hit 'BenchmarkHit/value=64/sink=byteview/mode=serial/impl=ours$' 3s
profile miss 'BenchmarkMiss/evict=yes/impl=ours$' 1000000x
GROUPCACHE_BENCH_PEER_PROFILE_DIR=$out profile peer 'BenchmarkPeerFetch/callers=8/impl=ours$' 3s

go build -o out/peer-ours ./cmd/peer-ours
for p in hit miss peer; do
	top out/bench.test "" "$out/$p.cpu.prof"
	top out/bench.test alloc_objects "$out/$p.mem.prof"
done
top out/peer-ours "" "$out"/peer-ours-*.cpu.prof
top out/peer-ours alloc_objects "$out"/peer-ours-*.mem.prof
