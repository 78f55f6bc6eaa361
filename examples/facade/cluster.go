package main

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/seed3c1b93bc/groupcache"
	"github.com/seed3c1b93bc/groupcache/cache"
)

// groupName is the group every peer of the demo serves.
const groupName = "users"

// A peer is one member of the demo cluster.
type peer struct {
	name   string // "A", "B", ... in the printout
	url    string // the base URL the other peers reach it by
	pool   *groupcache.HTTPPool
	group  *groupcache.Group
	cache  *cache.Cache // the facade, over a store backed by group
	srv    *http.Server
	served chan error // receives the result of srv.Serve
}

// startCluster starts n peers on loopback ports chosen by the kernel, each
// with all n in its ring, and each group's Getter reading db.
func startCluster(n int, db *database) ([]*peer, error) {
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
	// The facade's Set and Delete reach other peers, which take writes
	// only when signed with the secret all of them share. A real
	// cluster reads it from its configuration.
	secret := make([]byte, 32)
	rand.Read(secret)
	peers := make([]*peer, n)
	for i, ln := range lns {
		name := string(rune('A' + i))
		r := groupcache.NewRegistry()
		pool := groupcache.NewHTTPPoolOpts(urls[i], &groupcache.HTTPPoolOptions{Registry: r, Secret: secret})
		pool.Set(urls...)
		// GroupGetter stores each row the way the facade's Get[User]
		// decodes it, and turns the database's "no such row" into
		// cache.ErrNotFound, which the store reports as a miss.
		group := r.NewGroup(groupName, 64<<20, cache.GroupGetter(func(ctx context.Context, key string) (User, error) {
			return db.query(ctx, name, key)
		}))
		p := &peer{
			name:   name,
			url:    urls[i],
			pool:   pool,
			group:  group,
			cache:  cache.NewCache(cache.NewGroupStore(group)),
			srv:    &http.Server{Handler: pool, ReadHeaderTimeout: 10 * time.Second},
			served: make(chan error, 1),
		}
		go func() { p.served <- p.srv.Serve(ln) }()
		peers[i] = p
	}
	return peers, nil
}

// stop shuts p's server down and waits for it.
func (p *peer) stop(ctx context.Context) error {
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
