package compat

import (
	"context"
	"net/http"
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

// startOurPeer starts a peer of ours on 127.0.0.1, with its pool as the
// server's whole handler. o, which may be nil, gives the pool's options;
// its Registry is replaced by the peer's own. The peer stops when the test
// ends.
func startOurPeer(t testing.TB, o *groupcache.HTTPPoolOptions) *ourPeer {
	t.Helper()
	return startOurPeerServed(t, o, false)
}

// startOurPeerOnMux is startOurPeer with the pool served by a ServeMux, as
// NewHTTPPool arranges; a ServeMux cleans "." and ".." segments out of
// request paths.
func startOurPeerOnMux(t testing.TB, o *groupcache.HTTPPoolOptions) *ourPeer {
	t.Helper()
	return startOurPeerServed(t, o, true)
}

func startOurPeerServed(t testing.TB, o *groupcache.HTTPPoolOptions, onMux bool) *ourPeer {
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
	srv.Config.Handler = p.pool
	if onMux {
		mux := http.NewServeMux()
		mux.Handle(basePath, p.pool)
		srv.Config.Handler = mux
	}
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
