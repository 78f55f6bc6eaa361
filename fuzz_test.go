package groupcache

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
	"google.golang.org/protobuf/proto"
)

// Fuzz targets. Each runs its seeds, from f.Add and testdata/fuzz, as a
// test in every go test run; .ci/run also fuzzes each for a few seconds.

// FuzzServeHTTP sends arbitrary requests, as net/http would parse them,
// to a pool's handler: with a Secret, without one, and without one but
// allowing unsigned writes. The handler must not panic, must answer with
// one of its documented statuses, must run the Getter only for a
// well-formed GET of a known group, must never read the body of a GET or
// DELETE, with a Secret must refuse everything, and without one must
// refuse every write unless it allows unsigned writes.
func FuzzServeHTTP(f *testing.F) {
	f.Add("GET", "/_groupcache/g/k", []byte(nil))
	f.Add("GET", "/_groupcache/g/a%2Fb+c", []byte("ignored body"))
	f.Add("DELETE", "/_groupcache/g/k", []byte(nil))
	f.Add("PUT", "/_groupcache/g/k", setRequestBody("g", "k", "value"))
	f.Add("PUT", "/_groupcache/g/k", setRequestBody("g", "k", strings.Repeat("v", 100)))
	f.Add("POST", "/_groupcache/g/k", []byte(nil))
	f.Add("GET", "/_groupcache/nope/k", []byte(nil))
	f.Add("GET", "/_groupcache/g", []byte(nil))
	f.Add("GET", "*", []byte(nil))
	f.Add("GET", "http://h/_groupcache/%67/k", []byte(nil))
	f.Fuzz(func(t *testing.T, method, target string, body []byte) {
		raw := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", method, target, len(body), body)
		for _, opts := range []HTTPPoolOptions{{Secret: testSecret}, {}, {AllowUnsignedWrites: true}} {
			req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
			if err != nil {
				return // net/http answers 400 itself; no handler runs
			}
			checkServeHTTP(t, req, body, opts)
		}
	})
}

// fuzzMaxKey and fuzzMaxValue are the limits of the fuzzed pools, small
// so that the fuzzer reaches them.
const (
	fuzzMaxKey   = 32
	fuzzMaxValue = 64
)

// checkServeHTTP serves req, whose body is rawBody, with a new pool made
// with opts.
func checkServeHTTP(t *testing.T, req *http.Request, rawBody []byte, opts HTTPPoolOptions) {
	reg := NewRegistry()
	var keys []string
	g := reg.NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		keys = append(keys, key)
		return dest.SetString("v:" + key)
	}))
	opts.Registry, opts.MaxKeyBytes, opts.MaxValueBytes = reg, fuzzMaxKey, fuzzMaxValue
	pool := NewHTTPPoolOpts("http://self", &opts)
	body := &countingReader{r: req.Body}
	req.Body = body
	rec := httptest.NewRecorder()
	pool.ServeHTTP(rec, req)
	status := rec.Code

	if opts.Secret != nil {
		// The fuzzer cannot sign: an unsigned request gets 401; one
		// with made-up signature headers may have its path judged
		// before its signature is refused.
		switch status {
		case http.StatusUnauthorized, http.StatusMethodNotAllowed:
		case http.StatusForbidden, http.StatusBadRequest, http.StatusNotFound, http.StatusRequestURITooLong:
			if !signed(req) {
				t.Fatalf("%s %q, unsigned, to a pool with a Secret: status %d; want 401", req.Method, req.URL, status)
			}
		default:
			t.Fatalf("%s %q to a pool with a Secret: status %d", req.Method, req.URL, status)
		}
		if len(keys) != 0 || g.CacheStats(MainCache).Items != 0 || body.n != 0 {
			t.Fatalf("%s %q, unsigned: Getter ran for %q, %d items stored, %d body bytes read", req.Method, req.URL, keys, g.CacheStats(MainCache).Items, body.n)
		}
		return
	}
	if !opts.AllowUnsignedWrites && (req.Method == "PUT" || req.Method == "DELETE") {
		if status != http.StatusForbidden || len(keys) != 0 || g.CacheStats(MainCache).Items != 0 || body.n != 0 {
			t.Fatalf("%s %q, unsigned writes not allowed: status %d, Getter ran for %q, %d items stored, %d body bytes read; want 403 and nothing done",
				req.Method, req.URL, status, keys, g.CacheStats(MainCache).Items, body.n)
		}
		return
	}

	switch status {
	case 200, 204, 400, 404, 405, 413, 414:
	default:
		t.Fatalf("%s %q: undocumented status %d", req.Method, req.URL, status)
	}
	if (req.Method == "GET" || req.Method == "DELETE") && body.n != 0 {
		t.Fatalf("%s %q: the handler read %d bytes of the body", req.Method, req.URL, body.n)
	}
	group, key, wellFormed := modelPath(req.URL.EscapedPath())
	known := wellFormed && group == "g" && len(key) <= fuzzMaxKey
	switch req.Method {
	case "GET":
		if !known {
			if len(keys) != 0 || status == 200 {
				t.Fatalf("GET %q: status %d, Getter ran for %q; want it refused", req.URL, status, keys)
			}
			return
		}
		if status != 200 || len(keys) != 1 || keys[0] != key {
			t.Fatalf("GET %q: status %d, Getter ran for %q; want 200 and a load of %q", req.URL, status, keys, key)
		}
		var res pb.GetResponse
		if err := proto.Unmarshal(rec.Body.Bytes(), &res); err != nil || string(res.Value) != "v:"+key {
			t.Fatalf("GET %q: response %q, %v", req.URL, res.Value, err)
		}
	case "PUT":
		if len(keys) != 0 {
			t.Fatalf("PUT %q ran the Getter", req.URL)
		}
		var set pb.SetRequest
		valid := known && proto.Unmarshal(rawBody, &set) == nil &&
			set.GetGroup() == "g" && set.GetKey() == key && len(set.Value) <= fuzzMaxValue
		if status != 204 {
			if n := g.CacheStats(MainCache).Items; n != 0 {
				t.Fatalf("PUT %q: status %d, yet %d items stored", req.URL, status, n)
			}
			if valid && len(rawBody) <= fuzzMaxValue+setRequestOverhead {
				t.Fatalf("PUT %q with body %q: status %d for a good write", req.URL, rawBody, status)
			}
			return
		}
		if !valid {
			t.Fatalf("PUT %q with body %q: stored although it is malformed", req.URL, rawBody)
		}
		if exp := set.GetExpire(); exp != 0 && exp <= time.Now().UnixNano() {
			if _, _, ok := g.lookupCache(key, g.hash(key)); ok {
				t.Fatalf("PUT %q of a value that expired at %d: it is served", req.URL, exp)
			}
			return
		}
		if v, _, ok := g.lookupCache(key, g.hash(key)); !ok || !v.EqualBytes(set.Value) {
			t.Fatalf("PUT %q: cache holds %q, %v; want %q", req.URL, v.String(), ok, set.Value)
		}
	case "DELETE":
		if len(keys) != 0 || (status == 204) != known {
			t.Fatalf("DELETE %q: status %d, Getter ran for %q", req.URL, status, keys)
		}
	case "POST":
		// A batch of gets: only a well-formed GetManyRequest for the
		// path's group is answered, and only its keys are loaded.
		if status != 200 {
			if len(keys) != 0 {
				t.Fatalf("POST %q: status %d, yet the Getter ran for %q", req.URL, status, keys)
			}
			return
		}
		var many pb.GetManyRequest
		if err := proto.Unmarshal(rawBody, &many); err != nil || many.GetGroup() != "g" {
			t.Fatalf("POST %q with body %q: 200 for a malformed batch (%v)", req.URL, rawBody, err)
		}
		for _, k := range keys {
			if !slices.Contains(many.GetKeys(), k) {
				t.Fatalf("POST %q: the Getter ran for %q, which the batch did not ask for", req.URL, k)
			}
		}
	default:
		if status != 405 || len(keys) != 0 {
			t.Fatalf("%s %q: status %d, Getter ran for %q; want 405", req.Method, req.URL, status, keys)
		}
	}
}

// modelPath is the documented reading of a request path: the base path,
// then the group and the key, each query-escaped, separated by a slash.
func modelPath(path string) (group, key string, ok bool) {
	rest, ok := strings.CutPrefix(path, defaultBasePath)
	if !ok {
		return "", "", false
	}
	escGroup, escKey, ok := strings.Cut(rest, "/")
	if !ok {
		return "", "", false
	}
	group, err1 := url.QueryUnescape(escGroup)
	key, err2 := url.QueryUnescape(escKey)
	return group, key, err1 == nil && err2 == nil
}

// countingReader counts what is read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func (c *countingReader) Close() error { return nil }

// scriptedPeer is a server on 127.0.0.1 that answers each request with
// the bytes it was last given, then closes the connection.
type scriptedPeer struct {
	url string
	mu  sync.Mutex
	raw []byte
}

func startScriptedPeer(f *testing.F) *scriptedPeer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	s := &scriptedPeer{url: "http://" + ln.Addr().String()}
	wait := acceptEach(ln, func(c net.Conn) {
		defer c.Close()
		s.mu.Lock()
		raw := s.raw
		s.mu.Unlock()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
			return
		}
		c.Write(raw)
	})
	f.Cleanup(func() {
		ln.Close()
		wait()
	})
	return s
}

func (s *scriptedPeer) answer(raw []byte) {
	s.mu.Lock()
	s.raw = raw
	s.mu.Unlock()
}

// Framings of a fuzzed response body.
const (
	framedByLength    = iota // Content-Length: the body's length
	framedByChunks           // Transfer-Encoding: chunked
	framedByClose            // no length: the body ends with the connection
	framedTooShort           // Content-Length promises more than is sent
	framedByShorterCL        // Content-Length cuts the body short
	framings
)

// FuzzPeerResponse has a peer on 127.0.0.1 answer a Get with an
// arbitrary status and body, framed in several ways, and compares what
// the client makes of it with a model: a value exactly when the status is
// 200, the body arrived whole, fits MaxValueBytes and is a GetResponse
// with a value field; an error, and no panic or hang, otherwise.
func FuzzPeerResponse(f *testing.F) {
	f.Add(200, uint8(framedByLength), encodedResponse([]byte("value"), 0))
	f.Add(200, uint8(framedByChunks), encodedResponse([]byte("value"), 1<<62))
	f.Add(200, uint8(framedByClose), encodedResponse(nil, 0))
	f.Add(200, uint8(framedTooShort), encodedResponse([]byte("value"), 0))
	f.Add(200, uint8(framedByShorterCL), encodedResponse([]byte("value"), 0))
	f.Add(200, uint8(framedByLength), encodedResponse([]byte(strings.Repeat("v", 300)), 0))
	f.Add(200, uint8(framedByLength), []byte{})
	f.Add(200, uint8(framedByLength), []byte("not protobuf"))
	f.Add(500, uint8(framedByLength), []byte("boom"))
	f.Add(204, uint8(framedByClose), []byte{})
	const maxValue = 256
	peer := startScriptedPeer(f)
	pool := NewHTTPPoolOpts("http://self", &HTTPPoolOptions{Registry: NewRegistry(), MaxValueBytes: maxValue, PeerTimeout: 10 * time.Second})
	pool.Set(peer.url)
	getter, _ := pool.PickPeer("k")
	f.Fuzz(func(t *testing.T, status int, framing uint8, body []byte) {
		// 1xx answers are followed by another response, which the
		// body could forge; they are a net/http matter, not ours.
		if status < 200 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		framing %= framings
		var raw bytes.Buffer
		fmt.Fprintf(&raw, "HTTP/1.1 %d X\r\nConnection: close\r\n", status)
		delivered, whole := body, true
		switch framing {
		case framedByLength:
			fmt.Fprintf(&raw, "Content-Length: %d\r\n\r\n%s", len(body), body)
		case framedByChunks:
			raw.WriteString("Transfer-Encoding: chunked\r\n\r\n")
			if len(body) > 0 {
				fmt.Fprintf(&raw, "%x\r\n%s\r\n", len(body), body)
			}
			raw.WriteString("0\r\n\r\n")
		case framedByClose:
			fmt.Fprintf(&raw, "\r\n%s", body)
		case framedTooShort:
			fmt.Fprintf(&raw, "Content-Length: %d\r\n\r\n%s", len(body)+1, body)
			whole = false
		case framedByShorterCL:
			delivered = body[:len(body)/2]
			fmt.Fprintf(&raw, "Content-Length: %d\r\n\r\n%s", len(delivered), body)
		}
		peer.answer(raw.Bytes())

		var want pb.GetResponse
		wantOK := status == 200 && whole && len(delivered) <= maxValue+32 &&
			proto.Unmarshal(delivered, &want) == nil && want.Value != nil && len(want.Value) <= maxValue
		var got pb.GetResponse
		err := getter.Get(context.Background(), getRequest("g", "k"), &got)
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("status %d, framing %d, body %q: the request hung", status, framing, body)
		}
		if (err == nil) != wantOK {
			t.Fatalf("status %d, framing %d, body %q: error %v; want success %v", status, framing, body, err, wantOK)
		}
		if err == nil && (!bytes.Equal(got.Value, want.Value) || got.GetExpire() != want.GetExpire()) {
			t.Fatalf("status %d, framing %d, body %q: got %q expiring %d; want %q expiring %d",
				status, framing, body, got.Value, got.GetExpire(), want.Value, want.GetExpire())
		}
	})
}

// FuzzByteView compares every method of ByteView, on views made from
// bytes, from a string and by slicing, with the same operation on a
// plain string, including which calls panic.
func FuzzByteView(f *testing.F) {
	f.Add([]byte("hello, world"), 3, 7)
	f.Add([]byte(""), 0, 0)
	f.Add([]byte("\x00\xff"), -1, 5)
	f.Add([]byte("abc"), 3, 2)
	f.Fuzz(func(t *testing.T, data []byte, i, j int) {
		model := string(data)
		src := bytes.Clone(data)
		fromBytes := viewOfBytes(src)
		for k := range src {
			src[k] ^= 0xff // the view must have copied
		}
		var fromSink ByteView
		if err := ByteViewSink(&fromSink).SetBytes(data); err != nil {
			t.Fatal(err)
		}
		views := map[string]ByteView{
			"bytes":  fromBytes,
			"sink":   fromSink,
			"string": {s: model},
			"slice":  ByteView{s: "<" + model + ">"}.Slice(1, 1+len(model)),
		}
		for kind, v := range views {
			checkByteView(t, kind, v, model, i, j)
		}
	})
}

func checkByteView(t *testing.T, kind string, v ByteView, model string, i, j int) {
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s view of %q: %s", kind, model, fmt.Sprintf(format, args...))
	}
	if v.Len() != len(model) || v.String() != model {
		fail("Len %d, String %q", v.Len(), v.String())
	}
	b := v.ByteSlice()
	if string(b) != model {
		fail("ByteSlice %q", b)
	}
	if len(b) > 0 {
		b[0] ^= 0xff
		if v.String() != model {
			fail("changing ByteSlice's result changed the view")
		}
	}
	if !v.EqualString(model) || !v.EqualBytes([]byte(model)) || !v.Equal(ByteView{s: model}) {
		fail("not equal to its contents")
	}
	if v.EqualString(model+"x") || v.EqualBytes([]byte(model+"x")) || v.Equal(ByteView{s: "x" + model}) {
		fail("equal to a longer value")
	}
	// At and slicing panic exactly when the same string operation does.
	samePanic := func(what string, op, ref func()) {
		t.Helper()
		if p, q := panics(op), panics(ref); p != q {
			fail("%s panicked %v; the string operation %v", what, p, q)
		}
	}
	samePanic(fmt.Sprintf("At(%d)", i), func() { _ = v.At(i) }, func() { _ = model[i] })
	samePanic(fmt.Sprintf("Slice(%d, %d)", i, j), func() { _ = v.Slice(i, j) }, func() { _ = model[i:j] })
	samePanic(fmt.Sprintf("SliceFrom(%d)", i), func() { _ = v.SliceFrom(i) }, func() { _ = model[i:] })
	if 0 <= i && i < len(model) && v.At(i) != model[i] {
		fail("At(%d) = %q", i, v.At(i))
	}
	if 0 <= i && i <= j && j <= len(model) && v.Slice(i, j).String() != model[i:j] {
		fail("Slice(%d, %d) = %q", i, j, v.Slice(i, j))
	}
	if 0 <= i && i <= len(model) && v.SliceFrom(i).String() != model[i:] {
		fail("SliceFrom(%d) = %q", i, v.SliceFrom(i))
	}
	// Copy and ReadAt with a buffer of a size taken from j.
	size := j % (len(model) + 2)
	if size < 0 {
		size = -size
	}
	buf := make([]byte, size)
	if n := v.Copy(buf); n != min(size, len(model)) || string(buf[:n]) != model[:n] {
		fail("Copy into %d bytes = %d, %q", size, n, buf[:n])
	}
	off := int64(i)
	n, err := v.ReadAt(buf, off)
	switch {
	case off < 0:
		if err == nil || n != 0 {
			fail("ReadAt(%d) = %d, %v; want an error", off, n, err)
		}
	case off >= int64(len(model)):
		if err != io.EOF || n != 0 {
			fail("ReadAt(%d) past the end = %d, %v; want 0, EOF", off, n, err)
		}
	default:
		want := model[off:]
		if len(want) > size {
			want = want[:size]
		}
		if n != len(want) || string(buf[:n]) != want || (n < size) != (err == io.EOF) || (err != nil && err != io.EOF) {
			fail("ReadAt(%d bytes at %d) = %d %q, %v", size, off, n, buf[:n], err)
		}
	}
	var w bytes.Buffer
	if m, err := v.WriteTo(&w); err != nil || m != int64(len(model)) || w.String() != model {
		fail("WriteTo = %d, %v, %q", m, err, w.String())
	}
	all, err := io.ReadAll(v.Reader())
	if err != nil || string(all) != model {
		fail("Reader gave %q, %v", all, err)
	}
}

func panics(fn func()) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	fn()
	return false
}
