// Command peer-upstream is a groupcache peer built on golang/groupcache,
// started by the benchmarks of the bench module; see package
// peerproc for how it is driven.
package main

import (
	"context"

	"github.com/golang/groupcache"
	"github.com/seed3c1b93bc/groupcache/bench/internal/peerproc"
)

func main() {
	peerproc.Main("upstream", newNode)
}

type node struct {
	*groupcache.HTTPPool
	group *groupcache.Group
}

func newNode(self string, peers []string, load func(string) string) peerproc.Node {
	pool := groupcache.NewHTTPPoolOpts(self, nil)
	pool.Set(peers...)
	getter := groupcache.GetterFunc(func(_ context.Context, key string, dest groupcache.Sink) error {
		return dest.SetString(load(key))
	})
	return &node{
		HTTPPool: pool,
		group:    groupcache.NewGroup(peerproc.GroupName, peerproc.CacheBytes, getter),
	}
}

func (n *node) Get(ctx context.Context, key string) (string, error) {
	var s string
	err := n.group.Get(ctx, key, groupcache.StringSink(&s))
	return s, err
}

func (n *node) Counters() (peerRequests, serverRequests int64) {
	st := &n.group.Stats
	return st.PeerLoads.Get() + st.PeerErrors.Get(), st.ServerRequests.Get()
}
