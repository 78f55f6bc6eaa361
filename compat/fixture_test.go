package compat

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
)

// testGroup is the group every test peer, ours or upstream's, serves.
const testGroup = "compat"

// testCacheBytes is large enough that no test evicts anything, so that a
// second load of a key always means a second trip to a Getter.
const testCacheBytes = 64 << 20

// basePath is the path under which both HTTPPools serve when
// HTTPPoolOptions.BasePath is empty.
const basePath = "/_groupcache/"

// defaultReplicas is the number of points per peer of both HTTPPools'
// rings when HTTPPoolOptions.Replicas is zero.
const defaultReplicas = 50

// Keys whose values are chosen to test how values cross the wire; every
// other key's value is "value of " followed by the key.
const (
	emptyValueKey  = "empty-value"
	binaryValueKey = "binary-value"
	largeValueKey  = "large-value"
)

var (
	binaryValue = func() string {
		b := make([]byte, 512)
		for i := range b {
			b[i] = byte(i)
		}
		return string(b)
	}()
	largeValue = strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
)

// valueOf is the value every test Getter returns for key, wherever it
// runs, so that a value proves nothing about who loaded it; the load logs
// do that.
func valueOf(key string) string {
	switch key {
	case emptyValueKey:
		return ""
	case binaryValueKey:
		return binaryValue
	case largeValueKey:
		return largeValue
	}
	return "value of " + key
}

// A peer is one member of a test cluster, in this process or a child.
type peer interface {
	// URL returns the peer's base URL, its name on the ring.
	URL() string
	// SetPeers replaces the peer's ring with one built from urls.
	SetPeers(t testing.TB, urls ...string)
	// Get asks the peer for the value of key in testGroup.
	Get(ctx context.Context, t testing.TB, key string) (string, error)
	// Loads returns the keys the peer's Getter was called for, in order.
	Loads(t testing.TB) []string
	// ServerRequests returns the number of requests for testGroup that
	// the peer received from other peers.
	ServerRequests(t testing.TB) int64
}

// loadLog records the keys a Getter loads. It is safe for concurrent use.
type loadLog struct {
	mu   sync.Mutex
	keys []string
}

func (l *loadLog) add(key string) {
	l.mu.Lock()
	l.keys = append(l.keys, key)
	l.mu.Unlock()
}

func (l *loadLog) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.keys)
}

// loadersByKey maps each key that any of peers loaded to the URLs of the
// peers that loaded it, once per load.
func loadersByKey(t testing.TB, peers ...peer) map[string][]string {
	t.Helper()
	m := make(map[string][]string)
	for _, p := range peers {
		for _, k := range p.Loads(t) {
			m[k] = append(m[k], p.URL())
		}
	}
	return m
}

// joinRing gives every one of peers the URLs of all of them as its ring,
// and returns those URLs in the order given.
func joinRing(t testing.TB, peers ...peer) []string {
	t.Helper()
	var urls []string
	for _, p := range peers {
		urls = append(urls, p.URL())
	}
	// Should two peers share a point, upstream gives it to the peer
	// added last and ours to the smallest name; adding the peers in
	// descending order makes those the same, so the rings agree even
	// then. Every peer gets the same order, as upstream requires.
	slices.Sort(urls)
	slices.Reverse(urls)
	for _, p := range peers {
		p.SetPeers(t, urls...)
	}
	return urls
}
