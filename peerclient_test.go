package groupcache

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer is an httptest server that counts the connections it
// accepts.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

func hostOf(srv *httptest.Server) string { return strings.TrimPrefix(srv.URL, "http://") }

// readAll is a handler that keeps the response body.
func readAll(into *[]byte, status *int) func(*peerResponse) error {
	return func(res *peerResponse) error {
		*status = res.status
		b, err := io.ReadAll(res.body)
		*into = b
		return err
	}
}

func TestPeerClientReusesConnections(t *testing.T) {
	srv, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Method+" "+r.URL.EscapedPath())
	})
	c := newPeerClient(hostOf(srv), time.Second)
	defer c.closeIdle(true)
	for i := 0; i < 100; i++ {
		var body []byte
		var status int
		err := c.roundTrip(context.Background(), time.Time{}, &peerRequest{method: "GET", path: "/a%20b/c"}, readAll(&body, &status))
		if err != nil || status != 200 || string(body) != "GET /a%20b/c" {
			t.Fatalf("request %d: %d %q %v", i, status, body, err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("100 sequential requests opened %d connections; want 1", n)
	}
}

func TestPeerClientChunkedAndLargeBodies(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789"), 10000) // 100 kB, sent chunked
	srv, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big" {
			for i := 0; i < len(big); i += 1000 {
				w.Write(big[i : i+1000])
				w.(http.Flusher).Flush()
			}
			return
		}
		w.Write([]byte("small"))
	})
	c := newPeerClient(hostOf(srv), time.Second)
	defer c.closeIdle(true)
	for i := 0; i < 3; i++ {
		for _, path := range []string{"/big", "/small"} {
			var body []byte
			var status int
			if err := c.roundTrip(context.Background(), time.Time{}, &peerRequest{method: "GET", path: path}, readAll(&body, &status)); err != nil {
				t.Fatal(err)
			}
			want := []byte("small")
			if path == "/big" {
				want = big
			}
			if !bytes.Equal(body, want) {
				t.Fatalf("%s: got %d bytes; want %d", path, len(body), len(want))
			}
		}
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("chunked responses cost %d connections; want 1, reused", n)
	}
}

func TestPeerClientSendsBodyAndHeaders(t *testing.T) {
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusNoContent)
		if r.Method != "PUT" || string(b) != "payload" || r.Header.Get("X-Test") != "yes" || r.ContentLength != 7 {
			t.Errorf("server saw %s %q, X-Test %q, length %d", r.Method, b, r.Header.Get("X-Test"), r.ContentLength)
		}
	})
	c := newPeerClient(hostOf(srv), time.Second)
	defer c.closeIdle(true)
	var status int
	var body []byte
	err := c.roundTrip(context.Background(), time.Time{}, &peerRequest{method: "PUT", path: "/k", header: [][2]string{{"X-Test", "yes"}}, body: []byte("payload")}, readAll(&body, &status))
	if err != nil || status != http.StatusNoContent || len(body) != 0 {
		t.Fatalf("PUT: %d %q %v", status, body, err)
	}
}

func TestPeerClientReplacesConnectionClosedWhileIdle(t *testing.T) {
	srv, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	c := newPeerClient(hostOf(srv), time.Second)
	defer c.closeIdle(true)
	get := func() error {
		var body []byte
		var status int
		return c.roundTrip(context.Background(), time.Time{}, &peerRequest{method: "GET", path: "/"}, readAll(&body, &status))
	}
	if err := get(); err != nil {
		t.Fatal(err)
	}
	srv.CloseClientConnections() // the peer drops the idle connection
	if err := get(); err != nil {
		t.Fatalf("request after the peer closed the idle connection: %v", err)
	}
	if n := conns.Load(); n != 2 {
		t.Fatalf("%d connections; want 2", n)
	}
}

func TestPeerClientHonoursDeadlineAndCancel(t *testing.T) {
	release := make(chan struct{})
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	c := newPeerClient(hostOf(srv), time.Second)
	defer c.closeIdle(true)
	discard := func(*peerResponse) error { return nil }

	start := time.Now()
	err := c.roundTrip(context.Background(), time.Now().Add(100*time.Millisecond), &peerRequest{method: "GET", path: "/"}, discard)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("past the deadline: %v; want a timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("deadline of 100ms took %v", d)
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start = time.Now()
	if err := c.roundTrip(ctx, time.Time{}, &peerRequest{method: "GET", path: "/"}, discard); !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v; want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("cancel after 100ms took %v", d)
	}
}

// rawServer answers every connection with the given bytes, then closes it.
func rawServer(t *testing.T, response string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				buf := make([]byte, 4096)
				conn.Read(buf)
				io.WriteString(conn, response)
			}()
		}
	}()
	return ln.Addr().String()
}

func TestPeerClientMalformedResponses(t *testing.T) {
	for _, raw := range []string{
		"garbage\r\n\r\n",
		"HTTP/1.1 abc OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
		"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
		"HTTP/1.1 200 OK\r\n" + strings.Repeat("X: y\r\n", maxResponseHeaderBytes/6+1) + "\r\n",
	} {
		c := newPeerClient(rawServer(t, raw), time.Second)
		err := c.roundTrip(context.Background(), time.Now().Add(5*time.Second), &peerRequest{method: "GET", path: "/"}, func(*peerResponse) error { return nil })
		if !errors.Is(err, errMalformedResponse) {
			t.Errorf("response %q: error %v; want errMalformedResponse", raw, err)
		}
	}
}

func TestPeerClientBodyUntilClose(t *testing.T) {
	c := newPeerClient(rawServer(t, "HTTP/1.0 200 OK\r\n\r\nuntil the end"), time.Second)
	var body []byte
	var status int
	if err := c.roundTrip(context.Background(), time.Now().Add(5*time.Second), &peerRequest{method: "GET", path: "/"}, readAll(&body, &status)); err != nil || string(body) != "until the end" {
		t.Fatalf("%q, %v", body, err)
	}
	if len(c.idle) != 0 {
		t.Fatal("a connection whose body ended with its close was kept")
	}
}

// BenchmarkPeerClientRoundTrip measures one request and answer on a
// reused connection to a server on 127.0.0.1, the client's share of a
// peer fetch.
func BenchmarkPeerClientRoundTrip(b *testing.B) {
	body := bytes.Repeat([]byte("v"), 64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	defer srv.Close()
	c := newPeerClient(hostOf(srv), time.Second)
	defer c.closeIdle(true)
	req := &peerRequest{method: "GET", path: "/g/key"}
	var buf [128]byte
	handle := func(res *peerResponse) error {
		_, err := io.ReadFull(res.body, buf[:len(body)])
		return err
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := c.roundTrip(ctx, time.Now().Add(time.Second), req, handle); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzPeerResponseHead reads arbitrary bytes as responses, one after the
// other as on a kept connection, and checks that the client never panics
// or reads past what it was given, and that what it accepts is a final
// answer with a body it can read to its end.
func FuzzPeerResponseHead(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Trailer: y\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\nbinary"))
	f.Add([]byte("HTTP/1.0 200 OK\r\nSet-Cookie: " + strings.Repeat("c", 5000) + "\r\n\r\nuntil close"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		br := bufio.NewReader(bytes.NewReader(raw))
		for i := 0; i < 10; i++ {
			res, keepAlive, err := readResponseHead(br)
			if err != nil {
				return
			}
			if res.status < 200 && res.status != http.StatusSwitchingProtocols {
				t.Fatalf("interim status %d taken as the answer", res.status)
			}
			body, complete := bodyReader(br, res)
			if _, err := io.Copy(io.Discard, body); err != nil || !keepAlive || !complete() {
				return
			}
		}
	})
}
