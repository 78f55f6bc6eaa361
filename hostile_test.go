package groupcache

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
	"google.golang.org/protobuf/proto"
)

// Tests of what the peer endpoint does with requests that no peer of this
// package sends: they are refused before any group sees them, the Getter
// never runs for them, and the server reads no more of them than it must.

// endpoint is a pool serving group "g" on 127.0.0.1, with counts of its
// Getter's calls and of the bytes its server read from connections.
type endpoint struct {
	addr  string
	pool  *HTTPPool
	group *Group
	loads atomic.Int64
	read  atomic.Int64

	mu   sync.Mutex
	keys []string // keys the Getter was called with
}

func startEndpoint(t *testing.T, opts HTTPPoolOptions) *endpoint {
	t.Helper()
	return startEndpointWith(t, opts, nil)
}

// startEndpointWith is startEndpoint with the pool served by the handler
// that serve returns; a nil serve makes the pool the whole handler.
func startEndpointWith(t *testing.T, opts HTTPPoolOptions, serve func(*HTTPPool) http.Handler) *endpoint {
	t.Helper()
	ep := &endpoint{}
	reg := NewRegistry()
	ep.group = reg.NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		ep.loads.Add(1)
		ep.mu.Lock()
		ep.keys = append(ep.keys, key)
		ep.mu.Unlock()
		return dest.SetString("v:" + key)
	}))
	opts.Registry = reg
	srv := httptest.NewUnstartedServer(nil)
	ep.addr = srv.Listener.Addr().String()
	ep.pool = NewHTTPPoolOpts("http://"+ep.addr, &opts)
	srv.Config.Handler = ep.pool
	if serve != nil {
		srv.Config.Handler = serve(ep.pool)
	}
	srv.Listener = countingListener{srv.Listener, &ep.read}
	srv.Start()
	t.Cleanup(srv.Close)
	return ep
}

func (ep *endpoint) lastKey() string {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if len(ep.keys) == 0 {
		return ""
	}
	return ep.keys[len(ep.keys)-1]
}

type countingListener struct {
	net.Listener
	read *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{c, l.read}, nil
}

type countingConn struct {
	net.Conn
	read *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

// exchange writes head and then body (which may be nil, or never end) on a
// new connection to addr, and returns the status of the answer. It writes
// while it waits for the answer, as a client that does not wait for
// 100 Continue does, and stops writing when the server stops reading.
func exchange(t *testing.T, addr, head string, body io.Reader) int {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		if _, err := io.WriteString(c, head); err != nil || body == nil {
			return
		}
		io.Copy(c, body) // ends when the server hangs up
	}()
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	c.Close()
	<-wrote
	if err != nil {
		t.Fatalf("no answer to %.80q: %v", head, err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestEndpointRejectsHostileRequests(t *testing.T) {
	const maxKey = 64
	ep := startEndpoint(t, HTTPPoolOptions{MaxKeyBytes: maxKey})
	for _, tc := range []struct {
		name, method, target string
		want                 int
		key                  string // the key the Getter must see, for 200
	}{
		{"good request", "GET", "/_groupcache/g/k", 200, "k"},
		{"escaped slash stays in the key", "GET", "/_groupcache/g/a%2Fb", 200, "a/b"},
		{"plus is a space, as in golang/groupcache", "GET", "/_groupcache/g/a+b", 200, "a b"},
		{"absolute form", "GET", "http://example.com/_groupcache/g/abs", 200, "abs"},
		{"unknown group", "GET", "/_groupcache/nope/k", 404, ""},
		{"escaped unknown group", "GET", "/_groupcache/%67%67/k", 404, ""},
		{"other base path", "GET", "/other/g/k", 404, ""},
		{"asterisk", "GET", "*", 404, ""},
		{"no key", "GET", "/_groupcache/g", 400, ""},
		{"no group", "GET", "/_groupcache/", 400, ""},
		{"bad escape in key", "GET", "/_groupcache/g/k%zz", 400, ""},
		{"bad escape in group", "GET", "/_groupcache/%g/k", 400, ""},
		{"cut escape", "GET", "/_groupcache/g/k%4", 400, ""},
		{"space in target", "GET", "/_groupcache/g/a b", 400, ""},
		{"NUL in target", "GET", "/_groupcache/g/a\x00b", 400, ""},
		{"relative target", "GET", "_groupcache/g/k", 400, ""},
		{"key over MaxKeyBytes", "GET", "/_groupcache/g/" + strings.Repeat("k", maxKey+1), 414, ""},
		{"escaped key over MaxKeyBytes", "GET", "/_groupcache/g/" + strings.Repeat("%41", maxKey+1), 414, ""},
		{"huge group name", "GET", "/_groupcache/" + strings.Repeat("g", 64<<10) + "/k", 414, ""},
		{"target over the server's header limit", "GET", "/_groupcache/g/" + strings.Repeat("k", 2<<20), 431, ""},
		{"POST", "POST", "/_groupcache/g/k", 405, ""},
		{"PATCH", "PATCH", "/_groupcache/g/k", 405, ""},
		{"HEAD", "HEAD", "/_groupcache/g/k", 405, ""},
		{"OPTIONS", "OPTIONS", "/_groupcache/g/k", 405, ""},
		{"TRACE", "TRACE", "/_groupcache/g/k", 405, ""},
		{"CONNECT", "CONNECT", "/_groupcache/g/k", 405, ""},
		{"made-up method", "BREW", "/_groupcache/g/k", 405, ""},
		{"lower-case get", "get", "/_groupcache/g/k", 405, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := ep.loads.Load()
			got := exchange(t, ep.addr, tc.method+" "+tc.target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", nil)
			if got != tc.want {
				t.Fatalf("status %d; want %d", got, tc.want)
			}
			loads := ep.loads.Load() - before
			if tc.want != 200 {
				if loads != 0 {
					t.Fatalf("the Getter ran %d times for a refused request", loads)
				}
				return
			}
			if loads != 1 || ep.lastKey() != tc.key {
				t.Fatalf("the Getter ran %d times, last for %q; want once, for %q", loads, ep.lastKey(), tc.key)
			}
			ep.group.removeLocally(tc.key) // the next good request must load again
		})
	}
}

// endlessReader is an io.Reader of endless bytes.
type endlessReader struct{}

func (endlessReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'B'
	}
	return len(p), nil
}

// endlessChunks is an endless chunked request body.
type endlessChunks struct{ off int }

var chunk = "8000\r\n" + strings.Repeat("B", 0x8000) + "\r\n"

func (e *endlessChunks) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], chunk[e.off:])
		n += c
		e.off = (e.off + c) % len(chunk)
	}
	return n, nil
}

func TestEndpointDoesNotReadUnneededBodies(t *testing.T) {
	// The server reads at most the 256 KiB net/http drains after a
	// handler that ignored the body (twice, for a chunked one), plus
	// the head; the clients offer 64 MiB or more.
	const offered = 64 << 20
	const maxRead = 1 << 20
	small := startEndpoint(t, HTTPPoolOptions{MaxValueBytes: 4 << 10, AllowUnsignedWrites: true})
	// With the default MaxValueBytes of 4 MiB, a PUT that reads its
	// body before judging its length reads more than maxRead.
	dflt := startEndpoint(t, HTTPPoolOptions{AllowUnsignedWrites: true})
	sized := func(method string) string {
		return fmt.Sprintf("%s /_groupcache/g/body-%s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", method, method, offered)
	}
	chunked := func(method string) string {
		return fmt.Sprintf("%s /_groupcache/g/chunked-%s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", method, method)
	}
	for _, tc := range []struct {
		name  string
		ep    *endpoint
		head  string
		body  io.Reader
		want  int
		loads int64
	}{
		{"GET with a 64 MiB body", dflt, sized("GET"), io.LimitReader(endlessReader{}, offered), 200, 1},
		{"GET with an endless body", dflt, chunked("GET"), &endlessChunks{}, 200, 1},
		{"DELETE with a 64 MiB body", dflt, sized("DELETE"), io.LimitReader(endlessReader{}, offered), 204, 0},
		{"DELETE with an endless body", dflt, chunked("DELETE"), &endlessChunks{}, 204, 0},
		{"PUT declaring 64 MiB", dflt, sized("PUT"), io.LimitReader(endlessReader{}, offered), 413, 0},
		{"PUT with an endless body", small, chunked("PUT"), &endlessChunks{}, 413, 0},
		{"POST with an endless body", dflt, chunked("POST"), &endlessChunks{}, 405, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ep := tc.ep
			read, loads := ep.read.Load(), ep.loads.Load()
			if got := exchange(t, ep.addr, tc.head, tc.body); got != tc.want {
				t.Fatalf("status %d; want %d", got, tc.want)
			}
			if n := ep.loads.Load() - loads; n != tc.loads {
				t.Fatalf("the Getter ran %d times; want %d", n, tc.loads)
			}
			// The server may still be draining when the answer
			// arrives; give it a moment, then check the total.
			time.Sleep(50 * time.Millisecond)
			n := ep.read.Load() - read
			if n > maxRead {
				t.Fatalf("the server read %d bytes of the request; want at most %d", n, maxRead)
			}
			t.Logf("the server read %d bytes of the request", n)
		})
	}
}

func TestEndpointRefusesBadWrites(t *testing.T) {
	ep := startEndpoint(t, HTTPPoolOptions{MaxValueBytes: 4 << 10, AllowUnsignedWrites: true})
	put := func(target string, body []byte) int {
		return exchange(t, ep.addr, fmt.Sprintf("PUT %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", target, len(body)), strings.NewReader(string(body)))
	}
	good := setRequestBody("g", "k", "value")
	for _, tc := range []struct {
		name   string
		target string
		body   []byte
		want   int
	}{
		{"not protobuf", "/_groupcache/g/k", []byte("<xml/>"), 400},
		{"names another key", "/_groupcache/g/other", good, 400},
		{"names another group", "/_groupcache/g/k", setRequestBody("h", "k", "value"), 400},
		{"value over MaxValueBytes", "/_groupcache/g/k", setRequestBody("g", "k", strings.Repeat("v", 8<<10)), 413},
		{"unknown group", "/_groupcache/nope/k", good, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := put(tc.target, tc.body); got != tc.want {
				t.Fatalf("status %d; want %d", got, tc.want)
			}
			if st := ep.group.CacheStats(MainCache); st.Items != 0 {
				t.Fatalf("a refused write stored %d items", st.Items)
			}
		})
	}
	if got := put("/_groupcache/g/k", good); got != 204 {
		t.Fatalf("a good PUT got %d", got)
	}
	if v, _, ok := ep.group.lookupCache("k", ep.group.hash("k")); !ok || v.String() != "value" {
		t.Fatalf("after a good PUT the cache holds %q, %v", v.String(), ok)
	}
}

// setRequestBody returns the body of a PUT that stores value under key.
func setRequestBody(group, key, value string) []byte {
	b, err := proto.Marshal(&pb.SetRequest{Group: &group, Key: &key, Value: []byte(value)})
	if err != nil {
		panic(err)
	}
	return b
}
