package groupcache

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
)

// Hooks are functions that a Registry calls around the work a cache miss
// or a write causes, in its groups and in the HTTPPool bound to it: the
// points where a tracer starts spans and a metrics library times
// operations. Cache hits call no hook: counters of hits are read when
// metrics are collected (see Stats and Group.CacheStats), so the hit path
// costs the same whether hooks are attached or not.
//
// Every field may be nil. The functions are called concurrently and must
// be safe for concurrent use; they run in the goroutine of the operation,
// which waits for them, so they should be quick.
type Hooks struct {
	// Start is called when an operation begins, with the operation's
	// context. It returns the context the operation runs in, which may
	// carry a span, and a function that is called exactly once, with the
	// operation's error or nil, when the operation ends; if the
	// operation panics, as a Getter may, it is not called. Neither
	// return value may be nil.
	Start func(ctx context.Context, op Op) (context.Context, func(error))

	// Inject adds headers to a request for a peer, taking them from the
	// context of the request's operation: for example a W3C traceparent
	// header, so that the peer's work joins the caller's trace. Only the
	// names and values added are sent; it must not change other headers.
	Inject func(ctx context.Context, header http.Header)

	// Extract returns the context in which the pool serves a request from
	// a peer, derived from ctx, the request's, and the request's
	// headers: the counterpart of Inject. An HTTPPool whose Context
	// function ignores the request's context loses what Extract added.
	Extract func(ctx context.Context, header http.Header) context.Context
}

// An Op is an operation reported to Hooks.
type Op struct {
	Kind OpKind

	// Group is the name of the group the operation is for. It is empty
	// for a request from a peer whose path names no group.
	Group string

	// Peer, for OpPeerGet, OpPeerSet and OpPeerRemove, is the base URL
	// of the peer asked, as given to HTTPPool.Set; for OpServe, the
	// network address of the peer that asked. It is empty otherwise.
	Peer string

	// Method, for OpServe, is the HTTP method of the request: GET, PUT
	// or DELETE for the protocol's get, set and remove.
	Method string
}

// An OpKind tells what an Op does. Keys are never part of an Op: they are
// unbounded in number and may be private.
type OpKind uint8

const (
	// OpLoad is a Get that missed this process's caches, from the miss
	// until the value is at hand: from the key's owner, from a load
	// already in progress, or from the Getter. A peer's request that
	// misses is an OpLoad too, inside the OpServe that answers it.
	OpLoad OpKind = iota + 1

	// OpGetter is a run of the group's Getter, inside an OpLoad. Its
	// error is the Getter's.
	OpGetter

	// OpPeerGet, OpPeerSet and OpPeerRemove are requests to a peer for
	// a key's value, to store a value and to drop a key. The error is
	// the request's: ErrNotFound for a key the owner's Getter did not
	// find, a *PeerStatusError for an unexpected status, or the
	// network's.
	OpPeerGet
	OpPeerSet
	OpPeerRemove

	// OpServe is the HTTPPool answering a request from a peer. Its
	// error is nil for a success, ErrNotFound for the answer that the
	// key has no value, and for any other answer a *PeerStatusError with
	// the status the pool sent, whose Peer is the address of the peer
	// that asked (Op.Peer).
	OpServe
)

var opKindNames = [...]string{
	OpLoad:       "load",
	OpGetter:     "getter",
	OpPeerGet:    "peer_get",
	OpPeerSet:    "peer_set",
	OpPeerRemove: "peer_remove",
	OpServe:      "serve",
}

// String returns the kind's name in lower case with underscores, such as
// "load" or "peer_get", for span names and metric attributes.
func (k OpKind) String() string {
	if int(k) < len(opKindNames) && opKindNames[k] != "" {
		return opKindNames[k]
	}
	return "unknown"
}

// hookSet is the hooks of a Registry, replaced whole when hooks are added
// or removed, so that an operation reads them with one atomic load.
type hookSet struct {
	list    []*Hooks
	start   []*Hooks // those with a Start
	inject  []*Hooks // those with an Inject
	extract []*Hooks // those with an Extract
}

// registryHooks holds the hooks of a Registry.
type registryHooks struct {
	mu  sync.Mutex // serializes AddHooks and removals
	set atomic.Pointer[hookSet]
}

// AddHooks makes r call h's functions for its groups and its HTTPPool,
// from then on, after the hooks added before: Start functions nest, the
// first added outermost. It returns a function that removes h again;
// operations that already started end with the hooks they started with.
// h is copied.
func (r *Registry) AddHooks(h Hooks) (remove func()) {
	hp := &h
	r.hooks.mu.Lock()
	defer r.hooks.mu.Unlock()
	var list []*Hooks
	if old := r.hooks.set.Load(); old != nil {
		list = append(list, old.list...)
	}
	r.hooks.set.Store(newHookSet(append(list, hp)))
	var once sync.Once
	return func() {
		once.Do(func() {
			r.hooks.mu.Lock()
			defer r.hooks.mu.Unlock()
			old := r.hooks.set.Load()
			var list []*Hooks
			for _, o := range old.list {
				if o != hp {
					list = append(list, o)
				}
			}
			r.hooks.set.Store(newHookSet(list))
		})
	}
}

// newHookSet returns the set of list, or nil for no hooks, which is what
// operations test for.
func newHookSet(list []*Hooks) *hookSet {
	if len(list) == 0 {
		return nil
	}
	s := &hookSet{list: list}
	for _, h := range list {
		if h.Start != nil {
			s.start = append(s.start, h)
		}
		if h.Inject != nil {
			s.inject = append(s.inject, h)
		}
		if h.Extract != nil {
			s.extract = append(s.extract, h)
		}
	}
	return s
}

// endNothing is the end function of an operation that no hook observes.
func endNothing(error) {}

// startOp calls the Start hooks of r for op. Without hooks it returns ctx
// and endNothing, and allocates nothing.
func (r *Registry) startOp(ctx context.Context, op Op) (context.Context, func(error)) {
	s := r.hooks.set.Load()
	if s == nil || len(s.start) == 0 {
		return ctx, endNothing
	}
	if len(s.start) == 1 {
		return s.start[0].Start(ctx, op)
	}
	ends := make([]func(error), len(s.start))
	for i, h := range s.start {
		ctx, ends[i] = h.Start(ctx, op)
	}
	return ctx, func(err error) {
		for i := len(ends) - 1; i >= 0; i-- {
			ends[i](err)
		}
	}
}

// injectHeaders calls the Inject hooks of r and returns the headers they
// added, with handoverHeader for a warm handover's request, or nil.
func (r *Registry) injectHeaders(ctx context.Context) http.Header {
	s := r.hooks.set.Load()
	handover := isHandover(ctx)
	if (s == nil || len(s.inject) == 0) && !handover {
		return nil
	}
	h := make(http.Header)
	if s != nil {
		for _, hk := range s.inject {
			hk.Inject(ctx, h)
		}
	}
	if handover {
		h.Set(handoverHeader, "1")
	}
	return h
}

// extractContext calls the Extract hooks of r.
func (r *Registry) extractContext(ctx context.Context, h http.Header) context.Context {
	s := r.hooks.set.Load()
	if s == nil {
		return ctx
	}
	for _, hk := range s.extract {
		ctx = hk.Extract(ctx, h)
	}
	return ctx
}

// hasHooks reports whether r has any hooks.
func (r *Registry) hasHooks() bool {
	return r.hooks.set.Load() != nil
}

// startLoad begins the observation of a Get that missed.
func (g *Group) startLoad(ctx context.Context) (context.Context, func(error)) {
	return g.registry.startOp(ctx, Op{Kind: OpLoad, Group: g.name})
}

// startGetter begins the observation of a run of the Getter.
func (g *Group) startGetter(ctx context.Context) (context.Context, func(error)) {
	return g.registry.startOp(ctx, Op{Kind: OpGetter, Group: g.name})
}
