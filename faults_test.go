package groupcache

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
	"google.golang.org/protobuf/proto"
)

// Tests of a Get whose key's owner is down, hangs, or answers with
// anything but a good response: the caller must get the right value,
// loaded locally, in bounded time, with the failure counted and nothing
// left running.

// faultTimeout is the PeerTimeout of the fault tests: short, so that a
// hung peer costs little, and long enough for a loopback request under
// the race detector.
const faultTimeout = 300 * time.Millisecond

// checkLeaks records how many goroutines run now. When the test and every
// cleanup registered after this call are done, it waits up to five
// seconds for the count to fall back to that, and fails the test with
// every goroutine's stack if it does not. Call it first.
func checkLeaks(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Errorf("%d goroutines before the test, %d after; they are:\n%s", before, runtime.NumGoroutine(), buf)
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}

// openConns counts a server's open connections.
type openConns struct{ n atomic.Int64 }

// track is an http.Server ConnState hook. A hijacked connection is the
// handler's to close and is no longer counted.
func (o *openConns) track(_ net.Conn, s http.ConnState) {
	switch s {
	case http.StateNew:
		o.n.Add(1)
	case http.StateClosed, http.StateHijacked:
		o.n.Add(-1)
	}
}

// startHostile starts an HTTP server on 127.0.0.1 that answers every
// request with h, and closes it when the test ends.
func startHostile(t *testing.T, h http.HandlerFunc) (url string, open func() int64) {
	t.Helper()
	var conns openConns
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = conns.track
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL, conns.n.Load
}

// startSilent starts a listener on 127.0.0.1 that accepts connections,
// reads whatever arrives and never answers. If accept is false it does
// not even accept them: the kernel completes the handshakes and the
// requests wait in its backlog.
func startSilent(t *testing.T, accept bool) (url string, open func() int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	if accept {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				n.Add(1)
				mu.Lock()
				conns = append(conns, c)
				mu.Unlock()
				wg.Add(1)
				go func() {
					defer wg.Done()
					io.Copy(io.Discard, c) // until the client hangs up
					n.Add(-1)
				}()
			}
		}()
	}
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "http://" + ln.Addr().String(), n.Load
}

// refusedURL returns the URL of a port on 127.0.0.1 that nothing listens on.
func refusedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	return url
}

// encodedResponse returns the encoding of a GetResponse carrying value.
func encodedResponse(value []byte, expire int64) []byte {
	res := &pb.GetResponse{Value: value}
	if expire != 0 {
		res.Expire = &expire
	}
	b, err := proto.Marshal(res)
	if err != nil {
		panic(err)
	}
	return b
}

// hijack takes over the connection of w, to write raw bytes to it.
func hijack(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter) {
	c, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	return c, rw
}

// keysOwnedByPeer returns n keys that pool picks peer for.
func keysOwnedByPeer(t *testing.T, pool *HTTPPool, peer string, n int) []string {
	t.Helper()
	var keys []string
	for i := 0; len(keys) < n && i < 10000; i++ {
		k := "key-" + strconv.Itoa(i)
		if p, ok := pool.PickPeer(k); ok && p.(*httpGetter).baseURL == peer+defaultBasePath {
			keys = append(keys, k)
		}
	}
	if len(keys) < n {
		t.Fatalf("found only %d keys owned by %s", len(keys), peer)
	}
	return keys
}

// wrongValue is what hostile peers pass off as a value: a caller that
// returns it has trusted a response it should have refused.
var wrongValue = []byte("WRONG")

func TestPeerFaultsFallBackToLocalLoad(t *testing.T) {
	const maxValue = 1 << 10
	good := encodedResponse(wrongValue, 0)
	for _, tc := range []struct {
		name  string
		start func(t *testing.T) (url string, open func() int64)
	}{
		{"connection refused", func(t *testing.T) (string, func() int64) {
			return refusedURL(t), func() int64 { return 0 }
		}},
		{"accepts and never answers", func(t *testing.T) (string, func() int64) {
			return startSilent(t, true)
		}},
		{"never accepts", func(t *testing.T) (string, func() int64) {
			return startSilent(t, false)
		}},
		{"closes before answering", func(t *testing.T) (string, func() int64) {
			return startHostile(t, func(w http.ResponseWriter, r *http.Request) {
				c, _ := hijack(w)
				c.Close()
			})
		}},
		{"killed mid-response", func(t *testing.T) (string, func() int64) {
			return startHostile(t, func(w http.ResponseWriter, r *http.Request) {
				c, rw := hijack(w)
				fmt.Fprintf(rw, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(good))
				rw.Write(good[:len(good)/2])
				rw.Flush()
				c.Close()
			})
		}},
		{"answers slower than PeerTimeout", func(t *testing.T) (string, func() int64) {
			return startHostile(t, func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done(): // the client gave up
				case <-time.After(10 * faultTimeout):
				}
				w.Write(good)
			})
		}},
		{"sends the body a byte at a time", func(t *testing.T) (string, func() int64) {
			return startHostile(t, func(w http.ResponseWriter, r *http.Request) {
				body := encodedResponse([]byte(strings.Repeat("x", 100)), 0)
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
				for _, b := range body {
					if _, err := w.Write([]byte{b}); err != nil {
						return
					}
					http.NewResponseController(w).Flush()
					select {
					case <-r.Context().Done():
						return
					case <-time.After(faultTimeout / 10):
					}
				}
			})
		}},
		{"HTTP 500", func(t *testing.T) (string, func() int64) {
			return startHostile(t, func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "internal error", http.StatusInternalServerError)
			})
		}},
		{"redirect", func(t *testing.T) (string, func() int64) {
			return startHostile(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "http://127.0.0.1:1/elsewhere", http.StatusFound)
			})
		}},
		{"not HTTP", func(t *testing.T) (string, func() int64) {
			return startHostile(t, func(w http.ResponseWriter, r *http.Request) {
				c, rw := hijack(w)
				rw.WriteString("SSH-2.0-OpenSSH_9.6\r\n\r\n")
				rw.Flush()
				c.Close()
			})
		}},
		{"empty body", func(t *testing.T) (string, func() int64) {
			return startHostile(t, func(w http.ResponseWriter, r *http.Request) {})
		}},
		{"truncated message", func(t *testing.T) (string, func() int64) {
			return startHostile(t, func(w http.ResponseWriter, r *http.Request) {
				w.Write(good[:len(good)-2]) // the length prefix promises more
			})
		}},
		{"not protobuf", func(t *testing.T) (string, func() int64) {
			return startHostile(t, func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte("<html><body>WRONG</body></html>"))
			})
		}},
		{"value already expired", func(t *testing.T) (string, func() int64) {
			return startHostile(t, func(w http.ResponseWriter, r *http.Request) {
				w.Write(encodedResponse(wrongValue, 1))
			})
		}},
		{"body larger than MaxValueBytes", func(t *testing.T) (string, func() int64) {
			big := encodedResponse([]byte(strings.Repeat("W", 64*maxValue)), 0)
			return startHostile(t, func(w http.ResponseWriter, r *http.Request) {
				w.Write(big)
			})
		}},
		{"endless body", func(t *testing.T) (string, func() int64) {
			return startHostile(t, func(w http.ResponseWriter, r *http.Request) {
				endlessBody(w)
			})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			url, open := tc.start(t)
			asker := startCluster(t, 1, 1<<20, &HTTPPoolOptions{PeerTimeout: faultTimeout, MaxValueBytes: maxValue}, nil).peers[0]
			asker.pool.Set(asker.url, url)
			keys := keysOwnedByPeer(t, asker.pool, url, 3)
			for _, k := range keys {
				ctx, cancel := context.WithTimeout(context.Background(), 20*faultTimeout)
				start := time.Now()
				var s string
				err := asker.group.Get(ctx, k, StringSink(&s))
				took := time.Since(start)
				cancel()
				if err != nil || s != "v:"+k {
					t.Fatalf("Get(%q) = %q, %v; want the local value", k, s, err)
				}
				// PeerTimeout plus a local load; the generous margin
				// is for slow machines, not a performance claim.
				if took > 10*faultTimeout {
					t.Fatalf("Get(%q) took %v; want about PeerTimeout (%v) at most", k, took, faultTimeout)
				}
			}
			st := &asker.group.Stats
			if st.PeerErrors.Get() != 3 || st.LocalLoads.Get() != 3 || st.PeerLoads.Get() != 0 {
				t.Fatalf("PeerErrors %v, LocalLoads %v, PeerLoads %v; want 3, 3, 0", &st.PeerErrors, &st.LocalLoads, &st.PeerLoads)
			}
			asker.pool.CloseIdleConnections()
			waitFor(t, func() bool { return open() == 0 })
		})
	}
}

// endlessBody writes a 200 response with no Content-Length whose body
// never ends, until the client hangs up, and returns how much it sent.
// It gives up after ten seconds, so that a client that neither reads
// nor hangs up fails its test instead of hanging it.
func endlessBody(w http.ResponseWriter) int64 {
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(10 * time.Second))
	chunk := []byte(strings.Repeat("W", 32<<10))
	var sent int64
	for i := 0; i < 1<<20; i++ { // 32 GiB: more than any client accepts
		n, err := w.Write(chunk)
		sent += int64(n)
		if err != nil {
			break
		}
	}
	return sent
}

func TestHugePeerResponsesCostLittleMemory(t *testing.T) {
	for _, tc := range []struct {
		name     string
		maxValue int64
		handler  func(w http.ResponseWriter) int64
		maxAlloc uint64
	}{
		{
			// Refused from its Content-Length, before any of it is
			// read, with the default limit.
			name: "declared 1 GiB",
			handler: func(w http.ResponseWriter) int64 {
				w.Header().Set("Content-Length", strconv.Itoa(1<<30))
				return endlessBody(w)
			},
			maxAlloc: 1 << 20,
		},
		{
			// Read up to the limit, then abandoned: the cost is a
			// small multiple of the limit however long the body.
			name:     "endless, 64 KiB limit",
			maxValue: 64 << 10,
			handler:  endlessBody,
			maxAlloc: 2 << 20,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			sent := make(chan int64, 10)
			url, open := startHostile(t, func(w http.ResponseWriter, r *http.Request) {
				sent <- tc.handler(w)
			})
			// No PeerTimeout: nothing but the client's own care ends
			// the request and frees its connection.
			asker := startCluster(t, 1, 1<<20, &HTTPPoolOptions{PeerTimeout: -1, MaxValueBytes: tc.maxValue}, nil).peers[0]
			asker.pool.Set(asker.url, url)
			key := keysOwnedByPeer(t, asker.pool, url, 1)[0]
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			var s string
			if err := asker.group.Get(context.Background(), key, StringSink(&s)); err != nil || s != "v:"+key {
				t.Fatalf("Get = %q, %v", s, err)
			}
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			if n := asker.group.Stats.PeerErrors.Get(); n != 1 {
				t.Fatalf("PeerErrors = %d; want 1", n)
			}
			if alloc > tc.maxAlloc {
				t.Fatalf("the Get allocated %d bytes; want at most %d", alloc, tc.maxAlloc)
			}
			t.Logf("peer sent %d bytes before the caller hung up; the Get allocated %d", <-sent, alloc)
			asker.pool.CloseIdleConnections()
			waitFor(t, func() bool { return open() == 0 })
		})
	}
}

// restartServer closes p's server and serves p's pool again on the same
// address with a new server, which configure may change first.
func restartServer(t *testing.T, p *testPeer, configure func(*http.Server)) {
	t.Helper()
	addr := p.server.Listener.Addr().String()
	p.server.Close()
	var ln net.Listener
	var err error
	for i := 0; i < 100; i++ { // the port may take a moment to free
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("listening on %s again: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(p.pool)
	srv.Listener.Close()
	srv.Listener = ln
	if configure != nil {
		configure(srv.Config)
	}
	srv.Start()
	p.server = srv
	t.Cleanup(srv.Close)
}

func TestPeerThatComesBackIsUsedAgain(t *testing.T) {
	checkLeaks(t)
	c := startCluster(t, 2, 1<<20, &HTTPPoolOptions{PeerTimeout: 2 * time.Second}, nil)
	asker, owner := c.peers[0], c.peers[1]
	keys := c.keysOwnedBy(owner, 6)
	getAll := func(keys []string) {
		t.Helper()
		for _, k := range keys {
			if got := getString(t, asker.group, k); got != "v:"+k {
				t.Fatalf("Get(%q) = %q", k, got)
			}
		}
	}
	getAll(keys[:2])
	owner.server.Close()
	getAll(keys[2:4])
	st := &asker.group.Stats
	if st.PeerLoads.Get() != 2 || st.PeerErrors.Get() != 2 {
		t.Fatalf("with the owner down: PeerLoads %v, PeerErrors %v; want 2, 2", &st.PeerLoads, &st.PeerErrors)
	}
	restartServer(t, owner, nil)
	served := owner.group.Stats.ServerRequests.Get()
	getAll(keys[4:])
	if st.PeerLoads.Get() != 4 || st.PeerErrors.Get() != 2 {
		t.Fatalf("with the owner back: PeerLoads %v, PeerErrors %v; want 4, 2", &st.PeerLoads, &st.PeerErrors)
	}
	if n := owner.group.Stats.ServerRequests.Get() - served; n != 2 {
		t.Fatalf("the owner served %d requests after it came back; want 2", n)
	}
}

func TestSetWhileGetsInFlight(t *testing.T) {
	checkLeaks(t)
	c := startCluster(t, 3, 4<<10, &HTTPPoolOptions{PeerTimeout: 5 * time.Second}, nil)
	urls := make([]string, len(c.peers))
	for i, p := range c.peers {
		urls[i] = p.url
	}
	// Every subset of the peers, the empty one included, in turn.
	lists := [][]string{urls, nil}
	for mask := 1; mask < 1<<len(urls)-1; mask++ {
		var l []string
		for i, u := range urls {
			if mask&(1<<i) != 0 {
				l = append(l, u)
			}
		}
		lists = append(lists, l)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	stop := make(chan struct{})
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				k := fmt.Sprintf("key-%d", (i*7+w*13)%100)
				var s string
				if err := c.peers[(i+w)%3].group.Get(context.Background(), k, StringSink(&s)); err != nil || s != "v:"+k {
					errs <- fmt.Errorf("Get(%q) = %q, %v", k, s, err)
					return
				}
			}
		}()
	}
	setterDone := make(chan struct{})
	go func() {
		defer close(setterDone)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			c.peers[i%3].pool.Set(lists[i%len(lists)]...)
			if i%3 == 2 {
				time.Sleep(100 * time.Microsecond)
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-setterDone
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, p := range c.peers {
		if n := p.group.Stats.PeerErrors.Get(); n != 0 {
			t.Errorf("%s: %d peer errors; changing the peer list must cause none", p.url, n)
		}
	}
}

func TestPeerTimeoutBoundsEachRequest(t *testing.T) {
	for _, tc := range []struct {
		name        string
		peerTimeout time.Duration
		callerLimit time.Duration // 0: no caller deadline
		want        time.Duration // the deadline the request should carry; 0: none
	}{
		{"default", 0, 0, DefaultPeerTimeout},
		{"configured", 3 * time.Second, 0, 3 * time.Second},
		{"caller's earlier deadline wins", 3 * time.Second, time.Second, time.Second},
		{"caller's later deadline loses", 3 * time.Second, time.Minute, 3 * time.Second},
		{"negative: the caller's only", -1, time.Minute, time.Minute},
		{"negative and no caller deadline", -1, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var deadline time.Time
			var hasDeadline bool
			pool := NewHTTPPoolOpts("http://self", &HTTPPoolOptions{Registry: NewRegistry(), PeerTimeout: tc.peerTimeout})
			pool.Transport = func(context.Context) http.RoundTripper {
				return roundTripFunc(func(r *http.Request) (*http.Response, error) {
					deadline, hasDeadline = r.Context().Deadline()
					return nil, errors.New("not sent")
				})
			}
			pool.Set("http://peer")
			peer, _ := pool.PickPeer("k")
			start := time.Now()
			ctx := context.Background()
			if tc.callerLimit != 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.callerLimit)
				defer cancel()
			}
			peer.Get(ctx, getRequest("g", "k"), new(getResponse))
			if tc.want == 0 {
				if hasDeadline {
					t.Fatalf("request had a deadline %v from now; want none", deadline.Sub(start))
				}
				return
			}
			if !hasDeadline {
				t.Fatal("request had no deadline")
			}
			// The deadline was set a moment after start.
			if d := deadline.Sub(start); d < tc.want || d > tc.want+time.Second {
				t.Fatalf("request deadline %v from the start; want %v", d, tc.want)
			}
		})
	}
}

// within returns what ch delivers, failing the test if that takes more
// than ten seconds: a Get that does not return must fail its test, not
// hang it.
func within[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("no result in 10s")
		panic("unreachable")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// blockingLoad returns a load function that blocks until release is
// closed or its context ends, then sets "v:"+key.
func blockingLoad(release <-chan struct{}) func(ctx context.Context, peer, key string, dest Sink) error {
	return func(ctx context.Context, _, key string, dest Sink) error {
		select {
		case <-release:
		case <-ctx.Done():
			return ctx.Err()
		}
		return dest.SetString("v:" + key)
	}
}

func TestCallerDeadlineHonouredOnEveryPath(t *testing.T) {
	const limit = 100 * time.Millisecond
	// getWithin calls Get on g with a deadline of limit and checks that
	// it gives up in bounded time with the deadline's error.
	getWithin := func(t *testing.T, g *Group, key string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), limit)
		defer cancel()
		start := time.Now()
		done := make(chan error, 1)
		go func() {
			var s string
			done <- g.Get(ctx, key, StringSink(&s))
		}()
		if err := within(t, done); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Get returned %v; want context.DeadlineExceeded", err)
		}
		if took := time.Since(start); took > 30*limit {
			t.Fatalf("Get gave up after %v; want about %v", took, limit)
		}
	}
	// leaderGet starts a Get with no deadline and returns its result.
	leaderGet := func(g *Group, key string) <-chan string {
		done := make(chan string, 1)
		go func() {
			var s string
			if err := g.Get(context.Background(), key, StringSink(&s)); err != nil {
				s = "error: " + err.Error()
			}
			done <- s
		}()
		return done
	}

	t.Run("local load", func(t *testing.T) {
		checkLeaks(t)
		g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(ctx context.Context, key string, dest Sink) error {
			return blockingLoad(nil)(ctx, "", key, dest)
		}))
		getWithin(t, g, "k")
	})
	t.Run("waiting for a local load", func(t *testing.T) {
		checkLeaks(t)
		release := make(chan struct{})
		releaseOnce := sync.OnceFunc(func() { close(release) })
		defer releaseOnce()
		g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(ctx context.Context, key string, dest Sink) error {
			return blockingLoad(release)(ctx, "", key, dest)
		}))
		leader := leaderGet(g, "k")
		waitFor(t, func() bool { return g.Stats.LoadsDeduped.Get() == 1 })
		getWithin(t, g, "k")
		releaseOnce()
		if got := within(t, leader); got != "v:k" {
			t.Fatalf("leader got %q", got)
		}
	})
	t.Run("peer fetch", func(t *testing.T) {
		checkLeaks(t)
		release := make(chan struct{})
		defer close(release)
		c := startCluster(t, 2, 1<<20, nil, blockingLoad(release))
		asker, owner := c.peers[0], c.peers[1]
		key := c.keysOwnedBy(owner, 1)[0]
		getWithin(t, asker.group, key)
		st := &asker.group.Stats
		if st.PeerErrors.Get() != 0 || st.LocalLoads.Get() != 0 {
			t.Fatalf("PeerErrors %v, LocalLoads %v; a caller that gave up must not blame the peer or load locally", &st.PeerErrors, &st.LocalLoads)
		}
		// The owner's load ends when the asker's request is cancelled.
		waitFor(t, func() bool { return owner.group.Stats.LocalLoadErrs.Get() == 1 })
	})
	t.Run("waiting for a peer fetch", func(t *testing.T) {
		checkLeaks(t)
		release := make(chan struct{})
		releaseOnce := sync.OnceFunc(func() { close(release) })
		defer releaseOnce()
		c := startCluster(t, 2, 1<<20, nil, blockingLoad(release))
		asker, owner := c.peers[0], c.peers[1]
		key := c.keysOwnedBy(owner, 1)[0]
		leader := leaderGet(asker.group, key)
		waitFor(t, func() bool { return owner.group.Stats.ServerRequests.Get() == 1 })
		getWithin(t, asker.group, key)
		releaseOnce()
		if got := within(t, leader); got != "v:"+key {
			t.Fatalf("leader got %q after a waiter gave up", got)
		}
		if n := owner.group.Stats.LocalLoads.Get(); n != 1 {
			t.Fatalf("owner loaded %d times; want 1", n)
		}
	})
}

func TestWaiterCancelDoesNotCancelPeerLoad(t *testing.T) {
	checkLeaks(t)
	release := make(chan struct{})
	releaseOnce := sync.OnceFunc(func() { close(release) })
	defer releaseOnce()
	c := startCluster(t, 2, 1<<20, nil, blockingLoad(release))
	asker, owner := c.peers[0], c.peers[1]
	key := c.keysOwnedBy(owner, 1)[0]
	leaderDone := make(chan error, 1)
	go func() {
		var s string
		err := asker.group.Get(context.Background(), key, StringSink(&s))
		if err == nil && s != "v:"+key {
			err = fmt.Errorf("got %q", s)
		}
		leaderDone <- err
	}()
	waitFor(t, func() bool { return owner.group.Stats.ServerRequests.Get() == 1 })
	ctx, cancel := context.WithCancel(context.Background())
	waiterDone := make(chan error, 1)
	go func() {
		var s string
		waiterDone <- asker.group.Get(ctx, key, StringSink(&s))
	}()
	waitFor(t, func() bool { return asker.group.Stats.Loads.Get() == 2 })
	cancel()
	if err := within(t, waiterDone); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter got %v", err)
	}
	releaseOnce()
	if err := within(t, leaderDone); err != nil {
		t.Fatalf("leader failed after a waiter cancelled: %v", err)
	}
	if st := &asker.group.Stats; st.PeerLoads.Get() != 1 || st.PeerErrors.Get() != 0 {
		t.Fatalf("PeerLoads %v, PeerErrors %v; want 1, 0", &st.PeerLoads, &st.PeerErrors)
	}
	if got := c.loadsOf(key); len(got) != 1 {
		t.Fatalf("loaded %d times; want once, by the owner", len(got))
	}
}

func TestLeaderCancelHandsPeerLoadToWaiter(t *testing.T) {
	checkLeaks(t)
	var calls atomic.Int64
	c := startCluster(t, 2, 1<<20, nil, func(ctx context.Context, _, key string, dest Sink) error {
		if calls.Add(1) == 1 {
			<-ctx.Done() // the first load lasts until its requester gives up
			return ctx.Err()
		}
		return dest.SetString("v:" + key)
	})
	asker, owner := c.peers[0], c.peers[1]
	key := c.keysOwnedBy(owner, 1)[0]
	ctx, cancel := context.WithCancel(context.Background())
	leaderDone := make(chan error, 1)
	go func() {
		var s string
		leaderDone <- asker.group.Get(ctx, key, StringSink(&s))
	}()
	waitFor(t, func() bool { return calls.Load() == 1 })
	waiterDone := make(chan string, 1)
	go func() {
		var s string
		if err := asker.group.Get(context.Background(), key, StringSink(&s)); err != nil {
			s = "error: " + err.Error()
		}
		waiterDone <- s
	}()
	waitFor(t, func() bool { return asker.group.Stats.Loads.Get() == 2 })
	cancel()
	if err := within(t, leaderDone); !errors.Is(err, context.Canceled) {
		t.Fatalf("leader got %v", err)
	}
	if s := within(t, waiterDone); s != "v:"+key {
		t.Fatalf("waiter got %q; want the owner's value from a request of its own", s)
	}
	if st := &asker.group.Stats; st.PeerLoads.Get() != 1 || st.PeerErrors.Get() != 0 || st.LocalLoads.Get() != 0 {
		t.Fatalf("PeerLoads %v, PeerErrors %v, LocalLoads %v; want 1, 0, 0", &st.PeerLoads, &st.PeerErrors, &st.LocalLoads)
	}
}

// syncBuffer is a strings.Builder safe for concurrent writes, for a log.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestOwnerGetterPanicReachesNetHTTPAndCallersFallBack(t *testing.T) {
	checkLeaks(t)
	var c *testCluster
	var ownerCalls atomic.Int64
	c = startCluster(t, 2, 1<<20, &HTTPPoolOptions{PeerTimeout: 5 * time.Second}, func(ctx context.Context, peer, key string, dest Sink) error {
		if key != "boom" || peer != c.owner("boom").url {
			return dest.SetString("v:" + key)
		}
		if ownerCalls.Add(1) > 1 {
			return errors.New("loaded again")
		}
		// Panic once both waiting requests have joined this load.
		owner := c.owner("boom")
		for i := 0; i < 500 && owner.group.Stats.ServerRequests.Get() < 3; i++ {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond)
		panic("getter bug")
	})
	owner := c.owner("boom")
	asker := c.peers[0]
	if asker == owner {
		asker = c.peers[1]
	}
	var serverLog syncBuffer
	restartServer(t, owner, func(s *http.Server) { s.ErrorLog = log.New(&serverLog, "", 0) })

	// Plain clients, each on a connection of its own, see what the
	// owner answers.
	client := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	url := owner.url + defaultBasePath + "g/boom"
	leaderErr := make(chan error, 1)
	go func() {
		res, err := client.Get(url)
		if err == nil {
			res.Body.Close()
			err = fmt.Errorf("got an answer, %s", res.Status)
		}
		leaderErr <- err
	}()
	waitFor(t, func() bool { return ownerCalls.Load() == 1 })
	waiterBody := make(chan string, 1)
	go func() {
		res, err := client.Get(url)
		if err != nil {
			waiterBody <- err.Error()
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		waiterBody <- res.Status + ": " + string(b)
	}()
	var s string
	if err := asker.group.Get(context.Background(), "boom", StringSink(&s)); err != nil || s != "v:boom" {
		t.Fatalf("asker's Get = %q, %v; want the value loaded locally", s, err)
	}
	if st := &asker.group.Stats; st.PeerErrors.Get() != 1 || st.LocalLoads.Get() != 1 {
		t.Fatalf("asker: PeerErrors %v, LocalLoads %v; want 1, 1", &st.PeerErrors, &st.LocalLoads)
	}
	if err := within(t, leaderErr); err == nil {
		t.Fatal("the request whose load panicked got an answer")
	}
	if got := within(t, waiterBody); !strings.HasPrefix(got, "500 ") || !strings.Contains(got, ErrGetterPanicked.Error()) {
		t.Fatalf("a request waiting for the load that panicked got %q; want 500 and ErrGetterPanicked", got)
	}
	// The panic went to net/http, which logged it: ServeHTTP did not
	// swallow it.
	if l := serverLog.String(); !strings.Contains(l, "panic") || !strings.Contains(l, "getter bug") {
		t.Fatalf("the owner's server log does not show the panic:\n%s", l)
	}
	// The owner survived and serves its other keys.
	other := c.keysOwnedBy(owner, 1)[0]
	if got := getString(t, asker.group, other); got != "v:"+other {
		t.Fatalf("Get(%q) after the panic = %q", other, got)
	}
	if n := asker.group.Stats.PeerLoads.Get(); n != 1 {
		t.Fatalf("PeerLoads = %d after the panic; want 1: the owner must still serve", n)
	}
}
