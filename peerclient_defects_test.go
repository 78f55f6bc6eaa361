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
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
)

// Regression tests for defects of the pool's own HTTP/1.1 client, each
// named for the defect it guards against.

// rawKeepAlive is an HTTP/1.1 server on 127.0.0.1 written byte by byte,
// so that it can answer as no net/http server would. It reads requests
// one after the other on each connection and lets answer write whatever
// it likes for each; i counts the requests of the connection from 0.
// After the client closes its side, it keeps its own open until the test
// ends, as a server that has not noticed would.
type rawKeepAlive struct {
	addr     string
	conns    atomic.Int64
	requests atomic.Int64
}

func startRawKeepAlive(t *testing.T, answer func(w io.Writer, i int, path string)) *rawKeepAlive {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawKeepAlive{addr: ln.Addr().String()}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.conns.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				br := bufio.NewReader(conn)
				for i := 0; i < 1000; i++ {
					req, err := http.ReadRequest(br)
					if err != nil {
						<-done
						return
					}
					s.requests.Add(1)
					answer(conn, i, req.URL.Path)
				}
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		close(done)
		wg.Wait()
	})
	return s
}

func writeResponse(w io.Writer, body string) {
	fmt.Fprintf(w, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
}

// get asks c for path and returns the body of a 200 answer.
func (c *peerClient) getBody(ctx context.Context, path string) (string, error) {
	var body []byte
	var status int
	err := c.roundTrip(ctx, time.Now().Add(5*time.Second), &peerRequest{method: "GET", path: path}, readAll(&body, &status))
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("status %d", status)
	}
	return string(body), err
}

func TestPeerClientDropsDesyncedConnection(t *testing.T) {
	const extra = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nSTALE"
	for _, tc := range []struct {
		name string
		// answerFirst answers the first request, and then some.
		answerFirst func(w io.Writer, path string)
	}{
		{"extra response in the same write", func(w io.Writer, path string) {
			var b strings.Builder
			writeResponse(&b, path)
			b.WriteString(extra)
			io.WriteString(w, b.String())
		}},
		{"extra response while idle", func(w io.Writer, path string) {
			writeResponse(w, path)
			time.Sleep(10 * time.Millisecond) // the client is done reading
			io.WriteString(w, extra)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sent := make(chan struct{}, 1)
			var first atomic.Bool
			srv := startRawKeepAlive(t, func(w io.Writer, i int, path string) {
				if first.CompareAndSwap(false, true) {
					tc.answerFirst(w, path)
					sent <- struct{}{}
					return
				}
				writeResponse(w, path)
			})
			c := newPeerClient(srv.addr, time.Second)
			defer c.closeIdle(true)
			wrong := 0
			for i := 0; i < 10; i++ {
				path := fmt.Sprintf("/key-%d", i)
				got, err := c.getBody(context.Background(), path)
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				if got != path {
					t.Errorf("request for %s got the answer %q", path, got)
					wrong++
				}
				if i == 0 {
					within(t, sent)
					// Give loopback a moment to deliver the
					// bytes sent unasked.
					time.Sleep(20 * time.Millisecond)
				}
			}
			t.Logf("%d of 10 requests got another request's answer; %d connections", wrong, srv.conns.Load())
			if n := srv.conns.Load(); n != 2 {
				t.Errorf("%d connections; want 2: the one with a stray answer dropped, the next kept", n)
			}
		})
	}
}

func TestPeerClientDiscardsConnectionsTheOwnerTimedOut(t *testing.T) {
	checkLeaks(t)
	const fill = 40
	arrived := make(chan struct{}, fill)
	all := make(chan struct{})
	var once sync.Once
	// Each filling Get must be a request on a connection of its own,
	// not a key in a batch: no coalescing.
	c := startCluster(t, 2, 1<<20, &HTTPPoolOptions{PeerTimeout: 5 * time.Second, CoalesceWait: -1}, func(_ context.Context, _, key string, dest Sink) error {
		if strings.HasPrefix(key, "fill-") {
			// Hold every filling request until all are in, so
			// that each has a connection of its own.
			arrived <- struct{}{}
			if len(arrived) == fill {
				once.Do(func() { close(all) })
			}
			select {
			case <-all:
			case <-time.After(5 * time.Second):
			}
		}
		return dest.SetString("v:" + key)
	})
	asker, owner := c.peers[0], c.peers[1]
	var conns openConns
	var accepted atomic.Int64
	restartServer(t, owner, func(s *http.Server) {
		s.IdleTimeout = 100 * time.Millisecond
		s.ConnState = func(conn net.Conn, st http.ConnState) {
			if st == http.StateNew {
				accepted.Add(1)
			}
			conns.track(conn, st)
		}
	})
	var fillKeys, keys []string
	for i := 0; len(fillKeys) < fill && i < 100000; i++ {
		if k := fmt.Sprintf("fill-%d", i); c.owner(k) == owner {
			fillKeys = append(fillKeys, k)
		}
	}
	keys = c.keysOwnedBy(owner, 40)
	var wg sync.WaitGroup
	for _, k := range fillKeys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var s string
			if err := asker.group.Get(context.Background(), k, StringSink(&s)); err != nil || s != "v:"+k {
				t.Errorf("Get(%q) = %q, %v", k, s, err)
			}
		}()
	}
	wg.Wait()
	if n := accepted.Load(); n != fill {
		t.Fatalf("filling opened %d connections; want %d", n, fill)
	}
	// The owner closes every one of them when its IdleTimeout passes.
	waitFor(t, func() bool { return conns.n.Load() == 0 })

	before := asker.group.Stats.PeerErrors.Get()
	for _, k := range keys {
		var s string
		if err := asker.group.Get(context.Background(), k, StringSink(&s)); err != nil || s != "v:"+k {
			t.Fatalf("Get(%q) = %q, %v", k, s, err)
		}
	}
	errs := asker.group.Stats.PeerErrors.Get() - before
	wrongPeer := 0
	for _, k := range keys {
		if loads := c.loadsOf(k); len(loads) != 1 || loads[0] != owner.url {
			wrongPeer++
		}
	}
	t.Logf("after the owner's IdleTimeout: %d PeerErrors and %d keys loaded off the owner in %d Gets", errs, wrongPeer, len(keys))
	if errs != 0 || wrongPeer != 0 {
		t.Fatalf("%d PeerErrors, %d keys not loaded by the owner alone; want 0, 0", errs, wrongPeer)
	}
	asker.pool.CloseIdleConnections()
	waitFor(t, func() bool { return conns.n.Load() == 0 })
}

func TestNotFoundKeepsTheConnection(t *testing.T) {
	checkLeaks(t)
	c := startCluster(t, 2, 1<<20, &HTTPPoolOptions{PeerTimeout: 5 * time.Second}, func(_ context.Context, _, key string, dest Sink) error {
		return ErrNotFound
	})
	asker, owner := c.peers[0], c.peers[1]
	var accepted atomic.Int64
	var conns openConns
	restartServer(t, owner, func(s *http.Server) {
		s.ConnState = func(conn net.Conn, st http.ConnState) {
			if st == http.StateNew {
				accepted.Add(1)
			}
			conns.track(conn, st)
		}
	})
	keys := c.keysOwnedBy(owner, 200)
	for _, k := range keys {
		var s string
		if err := asker.group.Get(context.Background(), k, StringSink(&s)); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get(%q): %v; want ErrNotFound", k, err)
		}
	}
	t.Logf("%d sequential not-found Gets opened %d connections", len(keys), accepted.Load())
	if n := accepted.Load(); n != 1 {
		t.Fatalf("%d sequential not-found Gets opened %d connections; want 1", len(keys), n)
	}
	asker.pool.CloseIdleConnections()
	waitFor(t, func() bool { return conns.n.Load() == 0 })
}

func TestPeerRequestNotRepeatedAfterOwnerDropsConnection(t *testing.T) {
	t.Run("owner's Getter panics", func(t *testing.T) {
		checkLeaks(t)
		var c *testCluster
		var runs atomic.Int64
		var boom string
		c = startCluster(t, 2, 1<<20, &HTTPPoolOptions{PeerTimeout: 5 * time.Second}, func(_ context.Context, peer, key string, dest Sink) error {
			if key == boom && peer == c.peers[1].url {
				runs.Add(1)
				panic("getter bug")
			}
			return dest.SetString("v:" + key)
		})
		asker, owner := c.peers[0], c.peers[1]
		restartServer(t, owner, func(s *http.Server) { s.ErrorLog = log.New(io.Discard, "", 0) })
		keys := c.keysOwnedBy(owner, 2)
		boom = keys[1]
		// The first Get leaves a connection in the pool, which the
		// second reuses.
		for _, k := range keys {
			if got := getString(t, asker.group, k); got != "v:"+k {
				t.Fatalf("Get(%q) = %q", k, got)
			}
		}
		t.Logf("the owner's Getter ran %d times for one Get", runs.Load())
		if n := runs.Load(); n != 1 {
			t.Fatalf("the owner's Getter ran %d times for one Get; want 1", n)
		}
		if st := &asker.group.Stats; st.PeerErrors.Get() != 1 || st.LocalLoads.Get() != 1 {
			t.Fatalf("PeerErrors %v, LocalLoads %v; want 1, 1", &st.PeerErrors, &st.LocalLoads)
		}
		asker.pool.CloseIdleConnections()
	})
	t.Run("handler closes after reading the request", func(t *testing.T) {
		var dropped atomic.Int64
		srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/drop" {
				dropped.Add(1)
				c, _ := hijack(w)
				c.Close()
				return
			}
			io.WriteString(w, "ok")
		})
		c := newPeerClient(hostOf(srv), time.Second)
		defer c.closeIdle(true)
		if _, err := c.getBody(context.Background(), "/warm"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.getBody(context.Background(), "/drop"); err == nil {
			t.Fatal("no error from a connection dropped unanswered")
		}
		t.Logf("the handler ran %d times for one request", dropped.Load())
		if n := dropped.Load(); n != 1 {
			t.Fatalf("the handler ran %d times for one request; want 1", n)
		}
	})
}

func TestPeerClientResendsRequestThatNeverLeft(t *testing.T) {
	srv := startRawKeepAlive(t, func(w io.Writer, i int, path string) { writeResponse(w, path) })
	c := newPeerClient(srv.addr, time.Second)
	defer c.closeIdle(true)
	if _, err := c.getBody(context.Background(), "/warm"); err != nil {
		t.Fatal(err)
	}
	// Writing on the idle connection now fails, while it still looks
	// open to a reader: the request cannot have reached the server.
	c.mu.Lock()
	if len(c.idle) != 1 {
		c.mu.Unlock()
		t.Fatalf("%d idle connections; want 1", len(c.idle))
	}
	c.idle[0].conn.(*net.TCPConn).CloseWrite()
	c.mu.Unlock()
	got, err := c.getBody(context.Background(), "/again")
	if err != nil || got != "/again" {
		t.Fatalf("request on a connection that cannot write: %q, %v; want it sent again on a new one", got, err)
	}
	if n, r := srv.conns.Load(), srv.requests.Load(); n != 2 || r != 2 {
		t.Fatalf("%d connections, %d requests at the server; want 2, 2", n, r)
	}
}

func TestPeerClientCancelledRequestLeavesPoolAlone(t *testing.T) {
	srv, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	c := newPeerClient(hostOf(srv), time.Second)
	defer c.closeIdle(true)
	if _, err := c.getBody(context.Background(), "/"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.getBody(ctx, "/"); !errors.Is(err, context.Canceled) {
		t.Fatalf("request with a cancelled context: %v; want context.Canceled", err)
	}
	if _, err := c.getBody(context.Background(), "/"); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d connections for two requests around a cancelled one", conns.Load())
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections; want 1: a cancelled request must not spend one", n)
	}
}

func TestPeerClientSkipsInterimResponses(t *testing.T) {
	interim := "HTTP/1.1 100 Continue\r\n\r\n" +
		"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
	srv := startRawKeepAlive(t, func(w io.Writer, i int, path string) {
		var b strings.Builder
		b.WriteString(interim)
		writeResponse(&b, path)
		io.WriteString(w, b.String())
	})
	c := newPeerClient(srv.addr, time.Second)
	defer c.closeIdle(true)
	for i := 0; i < 3; i++ {
		path := fmt.Sprintf("/key-%d", i)
		if got, err := c.getBody(context.Background(), path); err != nil || got != path {
			t.Fatalf("answer after 1xx responses: %q, %v; want %q", got, err, path)
		}
	}
	if n := srv.conns.Load(); n != 1 {
		t.Fatalf("%d connections; want 1", n)
	}

	endless := startRawKeepAlive(t, func(w io.Writer, i int, path string) {
		io.WriteString(w, strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", 1000))
	})
	c = newPeerClient(endless.addr, time.Second)
	defer c.closeIdle(true)
	if _, err := c.getBody(context.Background(), "/"); !errors.Is(err, errMalformedResponse) {
		t.Fatalf("after 1000 interim responses: %v; want errMalformedResponse", err)
	}
}

func TestPeerClientBoundsHeadersByBytes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header string
		ok     bool
	}{
		{"200 short lines", strings.Repeat("X-Hop: y\r\n", 200), true},
		{"one 16 KiB line", "Set-Cookie: " + strings.Repeat("c", 16<<10) + "\r\n", true},
		{"over 64 KiB in all", strings.Repeat("X-Filler: "+strings.Repeat("f", 1000)+"\r\n", 70), false},
		{"an endless line", "X-Endless: " + strings.Repeat("e", 100<<10) + "\r\n", false},
		{"a long line without a colon", strings.Repeat("n", 8<<10) + "\r\n", false},
		{"a long Content-Length", "Content-Length: " + strings.Repeat("0", 8<<10) + "2\r\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startRawKeepAlive(t, func(w io.Writer, i int, path string) {
				io.WriteString(w, "HTTP/1.1 200 OK\r\n"+tc.header+"Content-Length: 2\r\n\r\nok")
			})
			c := newPeerClient(srv.addr, time.Second)
			defer c.closeIdle(true)
			got, err := c.getBody(context.Background(), "/")
			if tc.ok && (err != nil || got != "ok") {
				t.Fatalf("%q, %v; want ok", got, err)
			}
			if !tc.ok && !errors.Is(err, errMalformedResponse) {
				t.Fatalf("%q, %v; want errMalformedResponse", got, err)
			}
		})
	}
}

// reusingGetter is a ProtoGetter that answers from one buffer of its own,
// which it overwrites on every call, as one that recycles its memory may.
type reusingGetter struct {
	mu  sync.Mutex
	buf []byte
}

func (r *reusingGetter) Get(_ context.Context, in *pb.GetRequest, out *pb.GetResponse) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = append(r.buf[:0], "value of "+in.GetKey()...)
	out.Value = r.buf
	return nil
}

func (r *reusingGetter) PickPeer(string) (ProtoGetter, bool) { return r, true }

func TestGetFromPeerCopiesValueOfReusedBuffer(t *testing.T) {
	peer := &reusingGetter{}
	reg := NewRegistry()
	reg.RegisterPeerPicker(func() PeerPicker { return peer })
	g := reg.NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		return errors.New("the peer is never down here")
	}))
	var a ByteView
	if err := g.Get(context.Background(), "aaa", ByteViewSink(&a)); err != nil {
		t.Fatal(err)
	}
	// Ask until a copy of "aaa" sits in the hot cache (one Get in ten
	// puts one there), then have the peer reuse its buffer.
	for i := 0; i < 1000 && g.CacheStats(HotCache).Items == 0; i++ {
		var v ByteView
		if err := g.Get(context.Background(), "aaa", ByteViewSink(&v)); err != nil {
			t.Fatal(err)
		}
	}
	if g.CacheStats(HotCache).Items == 0 {
		t.Fatal("1000 Gets put no copy in the hot cache")
	}
	var b ByteView
	if err := g.Get(context.Background(), "bbb", ByteViewSink(&b)); err != nil || b.String() != "value of bbb" {
		t.Fatalf("Get(bbb) = %q, %v", b.String(), err)
	}
	if got := a.String(); got != "value of aaa" {
		t.Errorf("a value returned earlier changed to %q when the peer reused its buffer", got)
	}
	var cached string
	if err := g.Get(context.Background(), "aaa", StringSink(&cached)); err != nil || cached != "value of aaa" {
		t.Errorf("Get(aaa) = %q, %v; want the value the peer gave", cached, err)
	}
}

func TestPeerClientClosesConnectionsIdleTooLong(t *testing.T) {
	srv, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	c := newPeerClient(hostOf(srv), time.Second)
	defer c.closeIdle(true)
	// Two connections in the pool, the first idle for too long.
	a, _, err := c.get(context.Background(), time.Time{}, true)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := c.get(context.Background(), time.Time{}, true)
	if err != nil {
		t.Fatal(err)
	}
	c.put(a)
	c.mu.Lock()
	a.idleSince = time.Now().Add(-peerIdleTimeout - time.Second)
	c.mu.Unlock()
	c.put(b)
	c.mu.Lock()
	idle := append([]*peerConn(nil), c.idle...)
	c.mu.Unlock()
	if len(idle) != 1 || idle[0] != b {
		t.Fatalf("pool holds %d connections after one idle too long was put back with another; want only the other", len(idle))
	}
	if _, err := a.conn.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("writing on the connection idle too long: %v; want it closed", err)
	}
	// Later, the other one is too old to take.
	if pc := c.takeIdle(time.Now().Add(peerIdleTimeout)); pc != nil {
		t.Fatal("took a connection idle for peerIdleTimeout")
	}
	if _, err := b.conn.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("writing on the connection idle too long: %v; want it closed", err)
	}
	if _, err := c.getBody(context.Background(), "/"); err != nil {
		t.Fatal(err)
	}
	if n := conns.Load(); n != 3 {
		t.Fatalf("%d connections; want 3", n)
	}
}
