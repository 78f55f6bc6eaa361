package groupcache

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed3c1b93bc/groupcache/consistenthash"
	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
)

// Warm handover: for a while after the ring changes, a key's new owner
// that misses asks the key's previous owner for the copy it cached, with
// a request the previous owner answers from its caches only, and runs the
// Getter only if that finds nothing. A rolling deploy, which moves every
// key at least once, then loads each key about once instead of once per
// move. The request carries handoverHeader; a server of this package
// answers it with the value or with 204 No Content, never loading or
// forwarding, so a Get costs one extra hop at most. A server that does
// not know the header (golang/groupcache's) answers it as a plain Get.

// handoverHeader marks a request for a peer's cached copy only.
const handoverHeader = "Groupcache-Handover"

// errNotCached is a previous owner's answer that it has no copy. It wraps
// ErrNotFound so that it is not logged as the peer's failure.
var errNotCached = fmt.Errorf("%w: not cached by the previous owner", ErrNotFound)

// handoverConfig is the handover setting of a ring change; the zero value
// makes none.
type handoverConfig struct {
	window  time.Duration // how long after the change; zero or negative: no handover
	timeout time.Duration // bound of each request
}

// handoverGenerations is how many earlier rings a new owner consults:
// during a rolling deploy a key can move twice within one window (its
// owner leaves, then its replacement joins), and the copy is wherever it
// was last loaded.
const handoverGenerations = 2

// A handover is the part of a ring that names the keys' previous owners.
// It is made with the ring and read without locks, but for gone.
type handover struct {
	cfg   handoverConfig
	until time.Time // the end of the window

	// prev holds the earlier rings, newest first.
	prev []*consistenthash.Map

	// getters holds clients of previous owners that left the ring.
	// They go through net/http, since the pool's own client of a peer
	// that left is closed.
	getters map[string]*httpGetter

	// gone holds the previous owners whose handover failed: they are
	// not asked again within the window.
	gone sync.Map // base URL → struct{}
}

// handoverStats count warm handovers; see MembershipStats.
type handoverStats struct {
	hits, misses, errors atomic.Int64
}

// newHandover returns the handover of the ring cur, which replaces old
// (nil for the pool's first ring) and lists peers, or nil if hc makes
// none or there is no previous owner to ask.
func (p *HTTPPool) newHandover(old, cur *ring, peers []string, hc handoverConfig) *handover {
	if hc.window <= 0 {
		return nil
	}
	now := time.Now()
	h := &handover{cfg: hc, until: now.Add(hc.window), getters: make(map[string]*httpGetter)}
	if old != nil && !old.hash.IsEmpty() {
		h.prev = append(h.prev, old.hash)
		if oh := old.handover; oh != nil && now.Before(oh.until) && len(oh.prev) > 0 {
			h.prev = append(h.prev, oh.prev[0])
			for url, g := range oh.getters {
				if cur.getters[url] == nil {
					h.getters[url] = g
				}
			}
		}
		for url, g := range old.getters {
			if cur.getters[url] == nil {
				h.getters[url] = &httpGetter{pool: p, baseURL: g.baseURL}
			}
		}
	} else {
		// A peer that joins (or restarts) with an empty cache: the
		// keys it owns were owned by whoever owns them without it.
		others := make([]string, 0, len(peers))
		for _, peer := range peers {
			if peer != p.self {
				others = append(others, peer)
			}
		}
		if len(others) == 0 || len(others) == len(peers) {
			return nil
		}
		m := consistenthash.New(p.opts.Replicas, p.opts.HashFn)
		m.Add(others...)
		h.prev = append(h.prev, m)
	}
	if len(h.prev) > handoverGenerations {
		h.prev = h.prev[:handoverGenerations]
	}
	return h
}

// handOver asks others for their cached copy of key before this process
// loads it: if this process became key's owner within the handover
// window, key's previous owners; if it does not own key, which happens
// when a peer whose ring changed first sends it a key, the owner its own
// ring names. ok is false if there is none to ask or none had it; then
// the caller loads the key.
func (p *HTTPPool) handOver(ctx context.Context, group, key string) (value []byte, expire int64, ok bool) {
	r := p.ring.Load()
	if r == nil || r.handover == nil || r.hash.IsEmpty() {
		return nil, 0, false
	}
	h := r.handover
	var owners [handoverGenerations]string
	n := 0
	if owner := r.hash.Get(key); owner != p.self {
		owners[0], n = owner, 1
	} else if time.Now().Before(h.until) {
		for _, m := range h.prev {
			if owner := m.Get(key); owner != "" && owner != p.self && (n == 0 || owner != owners[0]) {
				owners[n] = owner
				n++
			}
		}
	}
	for _, owner := range owners[:n] {
		if _, gone := h.gone.Load(owner); gone {
			continue
		}
		g := r.getters[owner]
		if g == nil {
			g = h.getters[owner]
		}
		if g == nil {
			continue
		}
		res := &pb.GetResponse{}
		err := g.getCached(ctx, h.cfg.timeout, group, key, res)
		switch {
		case err == nil:
			p.members.handover.hits.Add(1)
			return res.Value, res.GetExpire(), true
		case err == errNotCached:
			p.members.handover.misses.Add(1)
		case callerGaveUp(ctx) != nil:
			return nil, 0, false
		default:
			p.members.handover.errors.Add(1)
			h.gone.Store(owner, struct{}{})
		}
	}
	return nil, 0, false
}

// handoverContextKey marks the context of a handover request, for
// injectHeaders to add handoverHeader.
type handoverContextKey struct{}

func isHandover(ctx context.Context) bool {
	return ctx.Value(handoverContextKey{}) != nil
}

// getCached asks the peer for its cached copy of key only, within
// timeout. It returns errNotCached if the peer has none.
func (h *httpGetter) getCached(ctx context.Context, timeout time.Duration, group, key string, out *pb.GetResponse) error {
	ctx, cancel := context.WithTimeout(context.WithValue(ctx, handoverContextKey{}, true), timeout)
	defer cancel()
	return h.send(ctx, http.MethodGet, group, key, nil, func(status int, contentLength int64, body io.Reader) error {
		switch status {
		case http.StatusOK:
			return h.decodeGetResponse(contentLength, body, out)
		case http.StatusNoContent:
			drainSmall(body)
			return errNotCached
		}
		drainSmall(body)
		return h.statusError(status)
	})
}

// serveHandover answers a request for the cached copy of key only, with
// the value or with 204 No Content. It neither loads nor forwards.
func (p *HTTPPool) serveHandover(w http.ResponseWriter, group *Group, key string) {
	if v, expire, ok := group.peekCache(key); ok {
		writeGetResponse(w, v, expire)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// peekCache looks key up in both caches without counting the lookup: a
// handover request is not a Get.
func (g *Group) peekCache(key string) (ByteView, int64, bool) {
	if g.cacheBytes <= 0 {
		return ByteView{}, 0, false
	}
	h := g.hash(key)
	if v, expire, ok := g.mainCache.getExact(key, h, g.now); ok {
		return v, expire, true
	}
	return g.hotCache.getExact(key, h, g.now)
}

// A handoverPicker is a PeerPicker that can ask a key's previous owner for
// its copy; HTTPPool is one.
type handoverPicker interface {
	handOver(ctx context.Context, group, key string) (value []byte, expire int64, ok bool)
}

// handedOver returns key's value from its previous owner, if the group's
// peer picker knows one that has it, and caches it in the main cache.
func (g *Group) handedOver(ctx context.Context, key string, h uint64) (ByteView, int64, bool) {
	hp, ok := g.peers.(handoverPicker)
	if !ok {
		return ByteView{}, 0, false
	}
	value, expire, ok := hp.handOver(ctx, g.name, key)
	if !ok || (expire != 0 && expire <= g.now()) {
		return ByteView{}, 0, false
	}
	return viewOfOwnedBytes(value), expire, true
}
