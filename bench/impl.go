package bench

import (
	"context"
	"strconv"
	"sync/atomic"
)

// An Impl is one groupcache implementation under test.
type Impl struct {
	// Name is "ours" or "upstream", as used in benchmark names and in
	// the peer command's name, cmd/peer-<Name>.
	Name string

	// NewGroup makes a group without peers: every key it does not
	// hold is loaded from src. Each call makes a group of its own.
	NewGroup func(cacheBytes int64, src *Source) Group

	// Client returns the process's client of remote peers, made on
	// first use. golang/groupcache allows one HTTP pool per process, so
	// there is one client per Impl, shared by every benchmark.
	Client func() Client
}

// Group is a local group, as an application uses it.
type Group interface {
	// GetView gets key through a ByteViewSink and returns the
	// length of the value.
	GetView(ctx context.Context, key string) (int, error)

	// GetString gets key through a StringSink.
	GetString(ctx context.Context, key string) (string, error)

	// Items returns the number of entries in the main cache.
	Items() int64
}

// Client is a process that asks peers for keys it does not own. Its group
// has no cache, so every Get is a request to the key's owner, and no
// Getter: a Get that fails at the peer fails.
type Client interface {
	// SetPeers replaces the ring with the given peer base URLs. The
	// client is never among them. With none, the client's pool stops
	// picking peers, which golang/groupcache's groups in the same
	// process would otherwise consult.
	SetPeers(urls ...string)

	// GetView gets key through a ByteViewSink and returns the length
	// of the value.
	GetView(ctx context.Context, key string) (int, error)
}

// Impls lists the implementations, the one to compare against first.
var Impls = []Impl{Upstream, Ours}

// clientSelf is the base URL the clients give as their own. No peer has
// it, so every key is owned by a peer.
const clientSelf = "http://127.0.0.1:1"

// groupCount numbers groups: golang/groupcache keeps every group of the
// process in one namespace, so each needs a name of its own.
var groupCount atomic.Int64

func newGroupName() string {
	return "local-" + strconv.FormatInt(groupCount.Add(1), 10)
}
