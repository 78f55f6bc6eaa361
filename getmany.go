package groupcache

import (
	"context"
	"errors"
	"strconv"
	"sync"

	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
)

// A GetManyError reports the keys of a GetMany call that failed.
//
// errors.Is and errors.As see every error of Errs, so errors.Is(err,
// ErrNotFound) reports whether at least one key has no value; use Errs
// to tell which.
type GetManyError struct {
	// Errs has one entry for each key given to GetMany, in the same
	// order: nil for a key whose value reached its sink, else the error
	// Get would have returned for the key.
	Errs []error
}

// Error reports how many keys failed and the first failure.
func (e *GetManyError) Error() string {
	n, first := 0, error(nil)
	for _, err := range e.Errs {
		if err != nil {
			if first == nil {
				first = err
			}
			n++
		}
	}
	if first == nil {
		return "groupcache: GetMany: no key failed"
	}
	return "groupcache: GetMany: " + strconv.Itoa(n) + " of " + strconv.Itoa(len(e.Errs)) + " keys failed, first: " + first.Error()
}

// Unwrap returns the errors of the keys that failed.
func (e *GetManyError) Unwrap() []error {
	var errs []error
	for _, err := range e.Errs {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// manyConcurrency bounds the keys that one GetMany, or one batch that a
// peer sent, loads at once, through the Getter or with single requests to
// peers.
const manyConcurrency = 16

// GetMany loads the values of keys, each as Get would, with fewer round
// trips: keys in this process's caches are served at once; the others
// are loaded concurrently, those owned by other peers with one request
// per owner (split every MaxBatchKeys keys) rather than one per key. A
// key the owner fails to answer is loaded locally, as Get does; a key the
// owner's Getter reports as ErrNotFound fails with ErrNotFound. A peer
// that does not serve batches, such as one running golang/groupcache, is
// asked for each key on its own, concurrently. Stats count each distinct
// key as a Get; a key given twice is loaded once.
//
// When every key has been dealt with, GetMany calls dest(i, keys[i]) for
// each key i that loaded, in order and in the calling goroutine, and
// hands the value to the Sink it returns; dest need not be safe for
// concurrent use. GetMany returns nil if every value reached its sink,
// else a *GetManyError whose Errs says which keys failed and why (a nil
// Sink fails its key with ErrNilDestination). A nil dest fails the call
// with ErrNilDestination before anything is loaded.
//
// Each key honours ctx as Get does. A remote key that a Get of another
// caller is loading at the same time is asked for again, not waited for.
func (g *Group) GetMany(ctx context.Context, keys []string, dest func(i int, key string) Sink) error {
	if dest == nil {
		return ErrNilDestination
	}
	res := g.getMany(ctx, keys, false)
	var errs []error
	for i := range res {
		err := res[i].err
		if err == nil {
			if s := dest(i, keys[i]); s == nil {
				err = ErrNilDestination
			} else {
				err = setSinkView(s, res[i].v)
			}
		}
		if err != nil {
			if errs == nil {
				errs = make([]error, len(keys))
			}
			errs[i] = err
		}
	}
	if errs != nil {
		return &GetManyError{Errs: errs}
	}
	return nil
}

// manyResult is the outcome for one key of getMany.
type manyResult struct {
	v      ByteView
	expire int64
	err    error
}

// manyGetter is a peer that can answer several keys in one request.
type manyGetter interface {
	ProtoGetter

	// getMany asks the peer for keys of group and returns one item per
	// key, in order, or errBatchUnsupported if the peer does not serve
	// batches, or the error that failed the request.
	getMany(ctx context.Context, group string, keys []string) ([]*pb.GetManyItem, error)

	// batchable reports whether key may travel in a batch.
	batchable(key string) bool
}

// manyRun tracks the concurrent work of one getMany.
type manyRun struct {
	wg  sync.WaitGroup
	sem chan struct{} // bounds the per-key loads
}

// goBounded runs fn in a goroutine once fewer than manyConcurrency of the
// run's per-key loads are running.
func (r *manyRun) goBounded(fn func()) {
	r.sem <- struct{}{}
	r.wg.Add(1)
	go func() {
		defer func() { <-r.sem; r.wg.Done() }()
		fn()
	}()
}

// getMany returns the value of each key. fromPeer marks a batch that a
// peer sent, whose keys never go to another peer.
func (g *Group) getMany(ctx context.Context, keys []string, fromPeer bool) []manyResult {
	g.peersOnce.Do(g.initPeers)
	if ctx == nil {
		ctx = context.Background()
	}
	res := make([]manyResult, len(keys))
	run := &manyRun{sem: make(chan struct{}, manyConcurrency)}
	var (
		first  map[string]int // the first index of each key, with duplicates
		dups   [][2]int       // index of a duplicate, index of its first
		byPeer map[manyGetter][]int
	)
	if len(keys) > 1 {
		first = make(map[string]int, len(keys))
	}
	for i, key := range keys {
		if first != nil {
			if j, dup := first[key]; dup {
				dups = append(dups, [2]int{i, j})
				continue
			}
			first[key] = i
		}
		h := g.hash(key)
		if g.cacheBytes <= 0 {
			g.Stats.Gets.Add(1)
		} else if v, expire, ok := g.lookupCounted(key, h); ok {
			res[i] = manyResult{v: v, expire: expire}
			continue
		}
		if !fromPeer {
			if peer, ok := g.peers.PickPeer(key); ok {
				if mg, ok := peer.(manyGetter); ok && mg.batchable(key) {
					if byPeer == nil {
						byPeer = make(map[manyGetter][]int)
					}
					byPeer[mg] = append(byPeer[mg], i)
					continue
				}
			}
		}
		run.goBounded(func() { g.loadInto(ctx, key, h, fromPeer, &res[i]) })
	}
	for peer, idx := range byPeer {
		for len(idx) > 0 {
			n := min(len(idx), MaxBatchKeys)
			chunk := idx[:n:n]
			idx = idx[n:]
			run.wg.Add(1)
			go func() {
				defer run.wg.Done()
				g.loadBatch(ctx, run, peer, keys, chunk, res)
			}()
		}
	}
	run.wg.Wait()
	for _, d := range dups {
		res[d[0]] = res[d[1]]
	}
	return res
}

// loadInto is load for one key of getMany.
func (g *Group) loadInto(ctx context.Context, key string, h uint64, fromPeer bool, r *manyResult) {
	v, expire, err := g.load(ctx, key, h, fromPeer)
	*r = manyResult{v: v, expire: expire, err: err}
}

// loadBatch asks peer for the keys at idx, with one request, and fills
// their results. It counts what get counts for a remote key, and loads
// each key that the peer could not answer as get does.
func (g *Group) loadBatch(ctx context.Context, run *manyRun, peer manyGetter, keys []string, idx []int, res []manyResult) {
	batch := make([]string, len(idx))
	hashes := make([]uint64, len(idx))
	writes := make([]uint64, len(idx))
	for j, i := range idx {
		batch[j] = keys[i]
		hashes[j] = g.hash(keys[i])
		writes[j] = g.writeCount(hashes[j]).Load()
	}
	lctx, end := g.startLoad(ctx)
	items, err := peer.getMany(lctx, g.name, batch)
	end(err)
	if errors.Is(err, errBatchUnsupported) {
		for j, i := range idx {
			run.goBounded(func() { g.loadInto(ctx, batch[j], hashes[j], false, &res[i]) })
		}
		return
	}
	for j, i := range idx {
		key, h := batch[j], hashes[j]
		var item *pb.GetManyItem
		if err == nil {
			item = items[j]
			if item.GetStatus() == pb.GetManyItem_OMITTED {
				// No room in the answer: ask for it alone.
				run.goBounded(func() { g.loadInto(ctx, key, h, false, &res[i]) })
				continue
			}
		}
		g.Stats.Loads.Add(1)
		g.Stats.LoadsDeduped.Add(1)
		if err != nil {
			if ctxErr := callerGaveUp(ctx); ctxErr != nil {
				res[i].err = ctxErr // the peer is not at fault
				continue
			}
			g.Stats.PeerErrors.Add(1)
			run.goBounded(func() { g.loadLocallyInto(ctx, key, h, &res[i]) })
			continue
		}
		switch item.GetStatus() {
		case pb.GetManyItem_OK:
			expire := item.GetExpire()
			v, err := g.acceptRemote(peer, key, h, item.Value, expire, writes[j])
			if err != nil {
				break // expired on the way: load it here
			}
			g.Stats.PeerLoads.Add(1)
			res[i] = manyResult{v: v, expire: expire}
			continue
		case pb.GetManyItem_NOT_FOUND:
			res[i].err = ErrNotFound // an answer, not a failure
			continue
		}
		g.Stats.PeerErrors.Add(1)
		run.goBounded(func() { g.loadLocallyInto(ctx, key, h, &res[i]) })
	}
}

// loadLocallyInto loads key here after its owner failed to answer it, as
// get does.
func (g *Group) loadLocallyInto(ctx context.Context, key string, h uint64, r *manyResult) {
	v, expire, err := g.loadLocally(ctx, key, h, false, false)
	*r = manyResult{v: v, expire: expire, err: err}
}
