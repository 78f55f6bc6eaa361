// Package peerproc is the body of the peer processes that the benchmarks
// start: one groupcache peer on 127.0.0.1 serving one group whose Getter
// returns a fixed 64-byte value. Each implementation has its own small
// main package that supplies a Node and calls Main.
//
// A peer has two listeners. The peer listener serves the groupcache
// protocol and counts the connections it accepts; the control listener
// serves the benchmark's own requests (Get on behalf of a caller, and the
// counters), which therefore never show up as peer traffic.
//
// A peer and the process that starts it talk over the peer's standard
// input and output, one line at a time:
//
//	peer → parent: "listening <peer URL> <control URL>"
//	parent → peer: "peers <peer URL> <peer URL> ..." (every peer, itself included)
//	peer → parent: "ready"
//
// The peer then serves until its standard input reaches EOF, which also
// happens when the parent dies, so that no peer outlives its benchmark.
package peerproc

import "time"

// Protocol lines; see the package documentation.
const (
	ListeningLine = "listening"
	PeersLine     = "peers"
	ReadyLine     = "ready"
)

const (
	// GroupName is the name of the group every peer serves.
	GroupName = "bench"

	// ValueSize is the length of the value the Getter returns.
	ValueSize = 64

	// CacheBytes is each peer's cache budget: large enough to hold
	// every key the benchmarks ask for.
	CacheBytes = 64 << 20

	// SlowPrefix marks keys whose load takes SlowLoad, so that
	// concurrent callers of one cold key overlap with its load.
	SlowPrefix = "slow-"

	// SlowLoad is how long a load of a SlowPrefix key takes.
	SlowLoad = 200 * time.Millisecond

	// ProfileDirEnv names the environment variable that, when set,
	// makes a peer write a CPU profile and an allocation profile of its
	// whole life into that directory.
	ProfileDirEnv = "GROUPCACHE_BENCH_PEER_PROFILE_DIR"
)

// Stats are a peer's counters, as its control listener's /stats reports
// them in JSON.
type Stats struct {
	// Accepted counts the connections accepted by the peer listener.
	Accepted int64 `json:"accepted"`

	// Loads counts the runs of the peer's Getter.
	Loads int64 `json:"loads"`

	// PeerRequests counts the requests this peer sent to other peers,
	// whether they succeeded or not.
	PeerRequests int64 `json:"peerRequests"`

	// ServerRequests counts the requests other peers sent here.
	ServerRequests int64 `json:"serverRequests"`
}
