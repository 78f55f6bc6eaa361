package groupcache

import (
	"context"
	"errors"
	"sync"
	"time"

	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
)

// Coalescing concurrent Gets into batches.
//
// Each peer's getter counts the requests that it has in flight, single
// Gets and batches alike. A Get that finds fewer than coalesceAfter of them is sent at
// once, alone, as it would be without coalescing: a request that is alone
// never waits. A Get that finds more joins the peer's pending batch for
// its group instead, which is sent as one batch request (getmanyhttp.go)
// as soon as one of the requests in flight completes, CoalesceWait after
// the batch began, or when it holds maxCoalescedKeys keys, whichever comes
// first; the wait bounds the time for which a peer slow to answer one key,
// as when its Getter runs, holds back the others. Under load a peer thus
// has about coalesceAfter requests in flight, each carrying the keys asked
// for while the previous ones were on the wire: one HTTP exchange's
// parsing, syscalls and scheduling at both ends for many keys.
//
// Each caller of a batch gets what a request of its key alone would have
// got: the value, ErrNotFound, or an error that makes Group.load fall back
// to a local load. A key the owner left out of the answer for want of
// room (OMITTED), and every key of a batch to a peer that does not serve
// batches, is then asked for alone, by its caller. A caller whose context
// ends stops waiting at once; the batch goes on for the others and is
// abandoned, or cancelled if already sent, only when all its callers have
// gone.

const (
	// coalesceAfter is how many requests to one peer may be in flight
	// before further Gets wait to be batched. Two keep both cores of a
	// small owner busy while the next batch fills; at 64 callers on 2
	// cores (bench/) two gave 15 % more throughput than one, and four
	// less again, though within the noise of a shared machine.
	coalesceAfter = 2

	// maxCoalescedKeys bounds the keys of a batch of coalesced Gets; a
	// full batch is sent at once. More keys per request save less and
	// less, while one slow key at the owner delays all of them.
	maxCoalescedKeys = 64
)

// A coalescer gathers one peer's concurrent Gets into batches. Its zero
// value is ready for use.
type coalescer struct {
	mu       sync.Mutex
	inflight int                  // requests sent and not yet answered
	pending  map[string]*getBatch // by group: batches not yet sent
}

// A getBatch is the keys of one group that concurrent Gets wait for, and
// once it has been sent, their answer.
type getBatch struct {
	group string
	keys  []string // guarded by the coalescer's mu until the batch is sent
	timer *time.Timer

	// waiting counts the callers that still wait for the answer; the
	// last one to give up abandons or cancels the batch. Guarded by the
	// coalescer's mu.
	waiting int

	// ctx is the batch request's: it carries the first caller's
	// values, such as a trace, and is cancelled once no caller waits.
	ctx    context.Context
	cancel context.CancelFunc

	done  chan struct{} // closed once items and err are set
	items []*pb.GetManyItem
	err   error
}

// Get implements ProtoGetter. Unless the pool's CoalesceWait is negative,
// a Get to a peer that already has coalesceAfter requests in flight joins
// a batch (see above).
func (h *httpGetter) Get(ctx context.Context, in *pb.GetRequest, out *pb.GetResponse) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if h.pool.opts.CoalesceWait < 0 || !h.batchable(in.GetKey()) || h.batchesRefused() {
		return h.getOne(ctx, in, out)
	}
	c := &h.coalesce
	c.mu.Lock()
	if c.inflight < coalesceAfter {
		c.inflight++
		c.mu.Unlock()
		err := h.getOne(ctx, in, out)
		if b := c.finish(); b != nil {
			go h.sendBatches(b)
		}
		return err
	}
	b, i := c.join(ctx, h, in.GetGroup(), in.GetKey())
	c.mu.Unlock()
	select {
	case <-b.done:
	case <-ctx.Done():
		c.leave(b)
		return ctx.Err()
	}
	return h.answerFromBatch(ctx, b, i, in, out)
}

// join adds key to the pending batch of group, which it starts if there is
// none, and returns the batch and the key's index in it. A batch that
// join fills is sent at once. c.mu is held.
func (c *coalescer) join(ctx context.Context, h *httpGetter, group, key string) (*getBatch, int) {
	b := c.pending[group]
	if b == nil {
		b = &getBatch{group: group, done: make(chan struct{})}
		// The batch outlives the caller that started it, but carries
		// its values, such as a trace, to the peer.
		b.ctx, b.cancel = context.WithCancel(context.WithoutCancel(ctx))
		if c.pending == nil {
			c.pending = make(map[string]*getBatch)
		}
		c.pending[group] = b
		b.timer = time.AfterFunc(h.pool.opts.CoalesceWait, func() { h.sendIfPending(b) })
	}
	i := len(b.keys)
	b.keys = append(b.keys, key)
	b.waiting++
	if len(b.keys) == maxCoalescedKeys {
		c.takeLocked(b)
		go h.sendBatches(b)
	}
	return b, i
}

// takeLocked removes b from the pending batches, to be sent: it counts as
// in flight from now on. c.mu is held.
func (c *coalescer) takeLocked(b *getBatch) {
	delete(c.pending, b.group)
	b.timer.Stop()
	c.inflight++
}

// finish records that a request in flight was answered and returns a
// pending batch to send in its stead, if there is one.
func (c *coalescer) finish() *getBatch {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inflight--
	for _, b := range c.pending {
		c.takeLocked(b)
		return b
	}
	return nil
}

// leave records that a caller of b stopped waiting. When none is left, a
// pending b is dropped unsent, and a b in flight is cancelled.
func (c *coalescer) leave(b *getBatch) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b.waiting--
	if b.waiting > 0 {
		return
	}
	if c.pending[b.group] == b {
		delete(c.pending, b.group)
		b.timer.Stop()
	}
	b.cancel()
}

// sendIfPending sends b if it is still pending: its wait is over.
func (h *httpGetter) sendIfPending(b *getBatch) {
	c := &h.coalesce
	c.mu.Lock()
	if c.pending[b.group] != b {
		c.mu.Unlock()
		return // sent or abandoned meanwhile
	}
	c.takeLocked(b)
	c.mu.Unlock()
	h.sendBatches(b)
}

// sendBatches sends b, which counts as in flight, and then each batch that
// became pending while it was, until none is left.
func (h *httpGetter) sendBatches(b *getBatch) {
	for b != nil {
		// The callers joined before the batch left the pending set,
		// under the coalescer's lock: keys is theirs to read no more.
		b.items, b.err = h.getMany(b.ctx, b.group, b.keys)
		close(b.done)
		b.cancel()
		b = h.coalesce.finish()
	}
}

// answerFromBatch fills out with the answer for the key at index i of b,
// which has been sent and answered, or returns the error a request of that
// key alone would have returned.
func (h *httpGetter) answerFromBatch(ctx context.Context, b *getBatch, i int, in *pb.GetRequest, out *pb.GetResponse) error {
	if b.err != nil {
		if errors.Is(b.err, errBatchUnsupported) {
			return h.getOne(ctx, in, out)
		}
		if err := callerGaveUp(ctx); err != nil {
			return err
		}
		return b.err
	}
	it := b.items[i]
	switch it.GetStatus() {
	case pb.GetManyItem_OK:
		out.Value = it.Value
		if out.Value == nil {
			out.Value = []byte{} // an empty value, not a missing one
		}
		out.Expire = it.Expire
		return nil
	case pb.GetManyItem_NOT_FOUND:
		return ErrNotFound
	case pb.GetManyItem_OMITTED:
		return h.getOne(ctx, in, out) // no room in the answer
	}
	// The owner failed to load the key, for which it answers a single
	// Get with 500.
	return h.statusError(500)
}
