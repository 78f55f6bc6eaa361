package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/seed3c1b93bc/groupcache"
	"github.com/seed3c1b93bc/groupcache/statuspage"
)

// groupName is the group every peer of the demo serves.
const groupName = "users"

// A peer is one member of the demo cluster, with everything a separate
// process would have of its own: a Registry, an HTTPPool bound to it, the
// group, and an HTTP server answering the other peers.
type peer struct {
	name   string // "A", "B", ... in the printout
	url    string // the base URL the other peers reach it by
	pool   *groupcache.HTTPPool
	group  *groupcache.Group
	status *statuspage.Handler // served at /status
	srv    *http.Server
	served chan error // receives the result of srv.Serve
	down   bool       // stop was called
}

// startCluster starts n peers on loopback ports chosen by the kernel, each
// with all n in its ring. Each peer's Getter takes delay and records its
// runs in log.
func startCluster(n int, delay time.Duration, log *loadLog) ([]*peer, error) {
	// Every listener is open before any pool is made, because each pool
	// needs every peer's URL.
	lns := make([]net.Listener, 0, n)
	urls := make([]string, 0, n)
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			for _, ln := range lns {
				ln.Close()
			}
			return nil, err
		}
		lns = append(lns, ln)
		urls = append(urls, "http://"+ln.Addr().String())
	}
	peers := make([]*peer, n)
	for i, ln := range lns {
		name := string(rune('A' + i))
		r := groupcache.NewRegistry()
		pool := groupcache.NewHTTPPoolOpts(urls[i], &groupcache.HTTPPoolOptions{Registry: r})
		pool.Set(urls...)
		status := statuspage.New(r, &statuspage.Options{Title: "groupcache demo, peer " + name})
		mux := http.NewServeMux()
		mux.Handle("/_groupcache/", pool)
		mux.Handle("GET /status", status)
		p := &peer{
			name:   name,
			url:    urls[i],
			pool:   pool,
			group:  r.NewGroup(groupName, 64<<20, slowDB(name, delay, log)),
			status: status,
			srv:    &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second},
			served: make(chan error, 1),
		}
		go func() { p.served <- p.srv.Serve(ln) }()
		peers[i] = p
	}
	return peers, nil
}

// get asks p's group for key and reports how long that took.
func (p *peer) get(ctx context.Context, key string) (time.Duration, error) {
	start := time.Now()
	var v string
	err := p.group.Get(ctx, key, groupcache.StringSink(&v))
	return time.Since(start), err
}

// stop shuts p's server down as if its process had gone away: its
// listener closes, so the other peers' requests to it are refused. The
// group stays readable, for the final statistics.
func (p *peer) stop(ctx context.Context) error {
	if p.down {
		return nil
	}
	p.down = true
	defer p.status.Close()
	err := p.srv.Shutdown(ctx)
	if serveErr := <-p.served; !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return err
}

// ownerOf returns the peer that owns key: the one whose ring does not
// name another peer. Every ring holds the same peers, so there is exactly
// one; ownerOf panics if the rings disagree.
func ownerOf(peers []*peer, key string) *peer {
	for _, p := range peers {
		if _, remote := p.pool.PickPeer(key); !remote {
			return p
		}
	}
	panic("every peer's ring names another peer as the owner of " + key)
}
