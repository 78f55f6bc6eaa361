package groupcache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
)

// A PeerWriter is a peer that accepts writes: ProtoGetters of an HTTPPool
// are PeerWriters. Set and Remove need every peer of the group's picker to
// be one.
type PeerWriter interface {
	ProtoGetter

	// Set stores in.Value under in.Key in the peer's main cache of
	// group in.Group, to expire at in.Expire.
	Set(ctx context.Context, in *pb.SetRequest) error

	// Remove drops in.Key of group in.Group from the peer's caches.
	Remove(ctx context.Context, in *pb.GetRequest) error
}

// A PeerLister is a PeerPicker that can list every peer other than this
// process; HTTPPool is one. Remove and Set use it to reach the hot caches
// of all peers.
type PeerLister interface {
	PeerPicker

	// ListPeers returns every remote peer.
	ListPeers() []ProtoGetter
}

var (
	// ErrWritesUnsupported is returned by Set and Remove when a peer,
	// or the group's PeerPicker, cannot take writes: for example a peer
	// running golang/groupcache, which knows only Get.
	ErrWritesUnsupported = errors.New("groupcache: peer does not support Set and Remove")

	// ErrWritesRefused is returned by Set and Remove, wrapped in a
	// *PeerError, when a peer of this package refuses writes because its
	// pool neither authenticates peers with a Secret nor sets
	// HTTPPoolOptions.AllowUnsignedWrites; and, without asking the peer,
	// when this process's pool does neither.
	ErrWritesRefused = errors.New("groupcache: peer refuses unauthenticated writes")

	// ErrValueTooLarge is returned by Set when the value is larger than
	// the pool's MaxValueBytes, which no peer could then fetch, whether
	// the limit is found here or reported by the owner.
	ErrValueTooLarge = errors.New("groupcache: value larger than MaxValueBytes")
)

// A valueLimiter is a PeerPicker that bounds the values its peers carry.
type valueLimiter interface {
	maxValueBytes() int64
}

// maxValueBytes implements valueLimiter with the pool's MaxValueBytes. It
// lives with Set, its one user.
func (p *HTTPPool) maxValueBytes() int64 { return p.opts.MaxValueBytes }

// A PeerError reports a peer that a Set or Remove could not reach or that
// refused it. Peer names it (for an HTTPPool peer, its base URL followed
// by the pool's base path).
type PeerError struct {
	Peer string
	Err  error
}

func (e *PeerError) Error() string { return "groupcache: peer " + e.Peer + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *PeerError) Unwrap() error { return e.Err }

// Set stores value under key at the key's owner, as if the owner's Getter
// had loaded it, and drops the copies that other peers keep in their hot
// caches. value is copied; the caller keeps ownership of it. The zero
// expire means the group's TTL applies, if it has one, and otherwise that
// the value never expires; an expire after April 2262 means never too
// (see SetExpiry).
//
// A value longer than the MaxValueBytes of the group's HTTPPool could not
// be fetched from the owner by any other peer: Set refuses it with
// ErrValueTooLarge and stores nothing, wherever the owner is.
//
// When the owner is remote and cannot be reached, Set returns a
// *PeerError and nothing is stored. Peers whose hot copy could not be
// dropped are named in the returned error, which wraps a *PeerError for
// each; the owner has the new value all the same.
func (g *Group) Set(ctx context.Context, key string, value []byte, expire time.Time) error {
	g.peersOnce.Do(g.initPeers)
	if l, ok := g.peers.(valueLimiter); ok && int64(len(value)) > l.maxValueBytes() {
		return fmt.Errorf("%w: %d bytes, over %d", ErrValueTooLarge, len(value), l.maxValueBytes())
	}
	exp := unixNano(expire)
	if exp == 0 && g.ttl > 0 {
		exp = expiryAfter(g.now(), g.ttl)
	}
	owner, remote := g.peers.PickPeer(key)
	if remote {
		w, ok := owner.(PeerWriter)
		if !ok {
			return ErrWritesUnsupported
		}
		req := &pb.SetRequest{Group: &g.name, Key: &key, Value: value}
		if exp != 0 {
			req.Expire = &exp
		}
		if err := w.Set(ctx, req); err != nil {
			return &PeerError{Peer: peerName(owner), Err: err}
		}
		g.removeLocally(key)
	} else {
		g.setLocally(key, viewOfBytes(value), exp)
	}
	return g.removeFromPeers(ctx, key, owner)
}

// Remove drops key from the main cache of its owner, then from the hot
// cache of every other peer and of this process, asking them in parallel.
// Each peer request is bounded by the pool's PeerTimeout and by ctx. A
// load that is in progress when Remove returns does not cache the value it
// loaded.
//
// The returned error wraps a *PeerError for each peer that could not be
// reached or refused; the key is gone from every other peer.
func (g *Group) Remove(ctx context.Context, key string) error {
	g.peersOnce.Do(g.initPeers)
	owner, remote := g.peers.PickPeer(key)
	var ownerErr error
	if remote {
		// The owner goes first: a peer whose hot copy was dropped
		// and that loads the key again must not find the old value
		// at the owner.
		ownerErr = g.removeFromPeer(ctx, owner, key)
	}
	g.removeLocally(key)
	return errors.Join(ownerErr, g.removeFromPeers(ctx, key, owner))
}

// removeFromPeers removes key from every remote peer but skip, in parallel.
func (g *Group) removeFromPeers(ctx context.Context, key string, skip ProtoGetter) error {
	lister, ok := g.peers.(PeerLister)
	if !ok {
		if _, none := g.peers.(NoPeers); none {
			return nil
		}
		return ErrWritesUnsupported
	}
	peers := lister.ListPeers()
	errs := make([]error, len(peers))
	var wg sync.WaitGroup
	// Peers are compared by name: the peer list may have been replaced
	// since skip was picked.
	skipName := ""
	if skip != nil {
		skipName = peerName(skip)
	}
	for i, p := range peers {
		if skip != nil && peerName(p) == skipName {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = g.removeFromPeer(ctx, p, key)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (g *Group) removeFromPeer(ctx context.Context, p ProtoGetter, key string) error {
	w, ok := p.(PeerWriter)
	if !ok {
		return &PeerError{Peer: peerName(p), Err: ErrWritesUnsupported}
	}
	if err := w.Remove(ctx, &pb.GetRequest{Group: &g.name, Key: &key}); err != nil {
		return &PeerError{Peer: peerName(p), Err: err}
	}
	return nil
}

func peerName(p ProtoGetter) string {
	if s, ok := p.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%T", p)
}

// setLocally stores v in the main cache, as a write: loads of the key in
// progress will not overwrite it.
func (g *Group) setLocally(key string, v ByteView, expire int64) {
	h := g.hash(key)
	g.budgetMu.Lock()
	defer g.budgetMu.Unlock()
	g.writeCount(h).Add(1)
	g.flights.forget(key)
	g.hotCache.remove(key, h)
	if g.cacheBytes > 0 && entrySize(key, v) <= g.cacheBytes {
		g.insertLocked(key, h, v, expire, g.mainCache)
	} else {
		g.mainCache.remove(key, h) // the old value must not outlive the write
	}
}

// removeLocally drops key from both caches, as a write: loads of the key
// in progress will not cache what they loaded, and later Gets will not
// wait for them.
func (g *Group) removeLocally(key string) {
	h := g.hash(key)
	g.budgetMu.Lock() // a concurrent insertion checks the count under it
	g.writeCount(h).Add(1)
	g.budgetMu.Unlock()
	g.flights.forget(key)
	g.mainCache.remove(key, h)
	g.hotCache.remove(key, h)
}
