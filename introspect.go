package groupcache

import (
	"slices"
	"strings"
)

// This file holds the read-only accessors that exporters and the status
// page use to enumerate what a Registry holds. None is on a Get's path.

// Groups returns the groups of r, sorted by name. Groups are never
// removed, so the list only grows.
func (r *Registry) Groups() []*Group {
	m := *r.groups.Load()
	groups := make([]*Group, 0, len(m))
	for _, g := range m {
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(a, b *Group) int { return strings.Compare(a.name, b.name) })
	return groups
}

// HTTPPool returns the HTTPPool bound to r (see HTTPPoolOptions.Registry),
// or nil if none was made for it.
func (r *Registry) HTTPPool() *HTTPPool {
	r.mu.RLock()
	made, fn := r.poolMade, r.pickPeers
	r.mu.RUnlock()
	if !made || fn == nil {
		return nil
	}
	// A pool registers itself as the registry's only peer picker, which
	// returns the pool whatever the group.
	p, _ := fn("").(*HTTPPool)
	return p
}

// CacheBytes returns the group's byte budget, shared by its main and hot
// caches: the cacheBytes it was made with.
func (g *Group) CacheBytes() int64 {
	return g.cacheBytes
}

// Expirations returns how many entries of the group's cache which were
// dropped because a lookup found them expired. Entries dropped to stay
// within the budget are counted apart, in CacheStats.Evictions. An
// unknown CacheType gives 0.
func (g *Group) Expirations(which CacheType) int64 {
	switch which {
	case MainCache:
		return g.mainCache.expirations()
	case HotCache:
		return g.hotCache.expirations()
	}
	return 0
}

// expirations returns the count of expired entries dropped.
func (c *clockCache) expirations() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.expired
}

// A PeerInfo describes one peer of an HTTPPool's current list.
type PeerInfo struct {
	// URL is the peer's base URL, as given to HTTPPool.Set.
	URL string

	// Self reports that the peer is this process.
	Self bool

	// Share is the fraction of the hash ring, from 0 to 1, that the
	// peer owns: the expected fraction of keys it is asked for.
	Share float64
}

// Peers returns the peers of p's current list, sorted by URL, with the
// share of keys each owns; nil before the first Set.
func (p *HTTPPool) Peers() []PeerInfo {
	r := p.ring.Load()
	if r == nil {
		return nil
	}
	shares := r.hash.Shares()
	peers := make([]PeerInfo, 0, len(r.getters))
	for url := range r.getters {
		peers = append(peers, PeerInfo{URL: url, Self: url == p.self, Share: shares[url]})
	}
	slices.SortFunc(peers, func(a, b PeerInfo) int { return strings.Compare(a.URL, b.URL) })
	return peers
}
