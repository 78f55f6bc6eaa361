package compat

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/seed3c1b93bc/groupcache"
)

// ourPeer is a peer running our engine in this process, with a Registry
// and an HTTPPool of its own, served by an httptest server.
type ourPeer struct {
	url   string
	pool  *groupcache.HTTPPool
	group *groupcache.Group
	loads loadLog
}

// startOurPeer starts a peer of ours on 127.0.0.1. o, which may be nil,
// gives the pool's options; its Registry is replaced by the peer's own.
// The peer stops when the test ends.
func startOurPeer(t testing.TB, o *groupcache.HTTPPoolOptions) *ourPeer {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	p := &ourPeer{url: "http://" + srv.Listener.Addr().String()}
	var opts groupcache.HTTPPoolOptions
	if o != nil {
		opts = *o
	}
	opts.Registry = groupcache.NewRegistry()
	p.pool = groupcache.NewHTTPPoolOpts(p.url, &opts)
	p.group = opts.Registry.NewGroup(testGroup, testCacheBytes, groupcache.GetterFunc(
		func(_ context.Context, key string, dest groupcache.Sink) error {
			p.loads.add(key)
			return dest.SetString(valueOf(key))
		}))
	// The pool is the whole handler: a ServeMux would clean paths and
	// redirect requests for keys such as "..".
	srv.Config.Handler = p.pool
	srv.Start()
	t.Cleanup(srv.Close)
	return p
}

func (p *ourPeer) URL() string { return p.url }

func (p *ourPeer) SetPeers(_ testing.TB, urls ...string) { p.pool.Set(urls...) }

func (p *ourPeer) Get(ctx context.Context, _ testing.TB, key string) (string, error) {
	var v string
	err := p.group.Get(ctx, key, groupcache.StringSink(&v))
	return v, err
}

func (p *ourPeer) Loads(testing.TB) []string { return p.loads.snapshot() }

func (p *ourPeer) ServerRequests(testing.TB) int64 { return p.group.Stats.ServerRequests.Get() }
