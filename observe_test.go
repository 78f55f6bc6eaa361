package groupcache

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

// opRecorder is a Hooks.Start that records each operation, with its
// error, in the order the operations end.
type opRecorder struct {
	mu  sync.Mutex
	ops []string // "kind group peer-or-method: error type"
}

func (r *opRecorder) start(ctx context.Context, op Op) (context.Context, func(error)) {
	return ctx, func(err error) {
		s := op.Kind.String() + " " + op.Group
		if op.Kind == OpServe {
			s += " " + op.Method
		} else if op.Peer != "" {
			s += " " + op.Peer
		}
		if err != nil {
			s += ": " + ErrorType(err)
		}
		r.mu.Lock()
		r.ops = append(r.ops, s)
		r.mu.Unlock()
	}
}

func (r *opRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ops := r.ops
	r.ops = nil
	return ops
}

func TestHooksSeeMissesNotHits(t *testing.T) {
	reg := NewRegistry()
	g := reg.NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		if key == "absent" {
			return ErrNotFound
		}
		return dest.SetString("v")
	}))
	var rec opRecorder
	reg.AddHooks(Hooks{Start: rec.start})
	getString(t, g, "k")
	if got, want := rec.take(), []string{"getter g", "load g"}; !slices.Equal(got, want) {
		t.Fatalf("a miss reported %q; want %q", got, want)
	}
	for range 10 {
		getString(t, g, "k")
	}
	if got := rec.take(); len(got) != 0 {
		t.Fatalf("hits reported %q; want nothing", got)
	}
	var s string
	if err := g.Get(context.Background(), "absent", StringSink(&s)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(absent) = %v", err)
	}
	if got, want := rec.take(), []string{"getter g: not_found", "load g: not_found"}; !slices.Equal(got, want) {
		t.Fatalf("a failed load reported %q; want %q", got, want)
	}
}

func TestHooksNestAndRemove(t *testing.T) {
	reg := NewRegistry()
	g := reg.NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		return dest.SetString("v")
	}))
	type ctxKey struct{}
	var mu sync.Mutex
	var events []string
	hook := func(name string) Hooks {
		return Hooks{Start: func(ctx context.Context, op Op) (context.Context, func(error)) {
			mu.Lock()
			events = append(events, fmt.Sprintf("start %s %s (inside %v)", name, op.Kind, ctx.Value(ctxKey{})))
			mu.Unlock()
			return context.WithValue(ctx, ctxKey{}, name), func(error) {
				mu.Lock()
				events = append(events, "end "+name+" "+op.Kind.String())
				mu.Unlock()
			}
		}}
	}
	removeA := reg.AddHooks(hook("A"))
	removeB := reg.AddHooks(hook("B"))
	getString(t, g, "k1")
	want := []string{
		"start A load (inside <nil>)", "start B load (inside A)",
		"start A getter (inside B)", "start B getter (inside A)",
		"end B getter", "end A getter", "end B load", "end A load",
	}
	if !slices.Equal(events, want) {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(events, "\n"), strings.Join(want, "\n"))
	}
	removeA()
	removeA() // a second call does nothing
	events = nil
	getString(t, g, "k2")
	if want := []string{"start B load (inside <nil>)", "start B getter (inside B)", "end B getter", "end B load"}; !slices.Equal(events, want) {
		t.Fatalf("after removing A, events %q; want %q", events, want)
	}
	removeB()
	events = nil
	getString(t, g, "k3")
	if len(events) != 0 || reg.hasHooks() {
		t.Fatalf("after removing both, events %q", events)
	}
}

// TestHooksFollowARequestAcrossPeers checks that a context value injected
// as a header by the asking peer reaches the owner's Getter, through the
// pool's own client and through a Transport hook, and that both peers
// report the operations in their order.
func TestHooksFollowARequestAcrossPeers(t *testing.T) {
	for _, viaTransport := range []bool{false, true} {
		t.Run(fmt.Sprintf("transport=%v", viaTransport), func(t *testing.T) {
			type traceKey struct{}
			var seenMu sync.Mutex
			seen := map[string]any{}
			c := startCluster(t, 2, 1<<20, &HTTPPoolOptions{AllowUnsignedWrites: true}, func(ctx context.Context, peer, key string, dest Sink) error {
				seenMu.Lock()
				seen[key] = ctx.Value(traceKey{})
				seenMu.Unlock()
				return dest.SetString("v:" + key)
			})
			recs := make([]*opRecorder, 2)
			for i, p := range c.peers {
				recs[i] = new(opRecorder)
				p.reg.AddHooks(Hooks{
					Start: recs[i].start,
					Inject: func(ctx context.Context, h http.Header) {
						if v, ok := ctx.Value(traceKey{}).(string); ok {
							h.Set("X-Trace", v)
						}
					},
					Extract: func(ctx context.Context, h http.Header) context.Context {
						if v := h.Get("X-Trace"); v != "" {
							return context.WithValue(ctx, traceKey{}, v)
						}
						return ctx
					},
				})
				if viaTransport {
					p.pool.Transport = func(context.Context) http.RoundTripper { return p.pool.transport }
				}
			}
			asker, owner := c.peers[0], c.peers[1]
			key := c.keysOwnedBy(owner, 1)[0]
			ctx := context.WithValue(context.Background(), traceKey{}, "trace-1")
			var s string
			if err := asker.group.Get(ctx, key, StringSink(&s)); err != nil || s != "v:"+key {
				t.Fatalf("Get = %q, %v", s, err)
			}
			seenMu.Lock()
			got := seen[key]
			seenMu.Unlock()
			if got != "trace-1" {
				t.Fatalf("owner's Getter saw trace %v; want trace-1", got)
			}
			if got, want := recs[0].take(), []string{"peer_get g " + owner.url, "load g"}; !slices.Equal(got, want) {
				t.Errorf("asker reported %q; want %q", got, want)
			}
			if got, want := recs[1].take(), []string{"getter g", "load g", "serve g GET"}; !slices.Equal(got, want) {
				t.Errorf("owner reported %q; want %q", got, want)
			}
			// Writes are reported as peer operations too.
			if err := asker.group.Remove(ctx, key); err != nil {
				t.Fatal(err)
			}
			if got, want := recs[0].take(), []string{"peer_remove g " + owner.url}; !slices.Equal(got, want) {
				t.Errorf("Remove on the asker reported %q; want %q", got, want)
			}
			if got, want := recs[1].take(), []string{"serve g DELETE"}; !slices.Equal(got, want) {
				t.Errorf("Remove on the owner reported %q; want %q", got, want)
			}
		})
	}
}

func TestHooksSeeFailedPeerRequests(t *testing.T) {
	reg := NewRegistry()
	self := "http://127.0.0.1:1" // never asked: it owns no key below
	pool := NewHTTPPoolOpts(self, &HTTPPoolOptions{Registry: reg})
	dead := refusedURL(t)
	pool.Set(dead)
	g := reg.NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		return dest.SetString("v")
	}))
	var rec opRecorder
	reg.AddHooks(Hooks{Start: rec.start})
	getString(t, g, "k")
	want := []string{"peer_get g " + dead + ": connection_refused", "getter g", "load g"}
	if got := rec.take(); !slices.Equal(got, want) {
		t.Fatalf("reported %q; want %q", got, want)
	}
}

func TestServeHooksSeeRefusalsAndNotFound(t *testing.T) {
	c := startCluster(t, 1, 1<<20, nil, func(ctx context.Context, peer, key string, dest Sink) error {
		return ErrNotFound
	})
	p := c.peers[0]
	var rec opRecorder
	p.reg.AddHooks(Hooks{Start: rec.start})
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/_groupcache/g/k", "serve g GET: not_found"},
		{"GET", "/_groupcache/nosuchgroup/k", "serve  GET: 404"},
		{"POST", "/_groupcache/g/k", "serve g POST: 405"},
	} {
		req, _ := http.NewRequest(tc.method, p.url+tc.path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		ops := rec.take()
		if len(ops) == 0 || ops[len(ops)-1] != tc.want {
			t.Errorf("%s %s reported %q; want it to end with %q", tc.method, tc.path, ops, tc.want)
		}
	}
}

func TestAppendHeadersDropsWhatBreaksFraming(t *testing.T) {
	h := http.Header{
		"Traceparent": {"00-abc-def-01"},
		"Bad\r\nName": {"x"},
		"X-Bad-Value": {"a\r\nInjected: 1"},
	}
	got := appendHeaders(nil, h)
	if want := [][2]string{{"Traceparent", "00-abc-def-01"}}; !slices.Equal(got, want) {
		t.Fatalf("appendHeaders = %q; want %q", got, want)
	}
}

func TestErrorType(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{ErrNotFound, "not_found"},
		{fmt.Errorf("wrapped: %w", ErrNotFound), "not_found"},
		{context.Canceled, "canceled"},
		{context.DeadlineExceeded, "timeout"},
		{&PeerStatusError{StatusCode: 503}, "503"},
		{ErrResponseTooLarge, "response_too_large"},
		{ErrBadResponse, "bad_response"},
		{ErrWritesUnsupported, "writes_unsupported"},
		{ErrGetterPanicked, "getter_panicked"},
		{errors.New("something else"), "_OTHER"},
	} {
		if got := ErrorType(tc.err); got != tc.want {
			t.Errorf("ErrorType(%v) = %q; want %q", tc.err, got, tc.want)
		}
	}
}

func TestOpKindString(t *testing.T) {
	for k, want := range map[OpKind]string{OpLoad: "load", OpGetter: "getter", OpPeerGet: "peer_get", OpPeerSet: "peer_set", OpPeerRemove: "peer_remove", OpServe: "serve", 0: "unknown", 99: "unknown"} {
		if got := k.String(); got != want {
			t.Errorf("OpKind(%d).String() = %q; want %q", k, got, want)
		}
	}
}
