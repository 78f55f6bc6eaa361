package compat

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	upstream "github.com/golang/groupcache"
)

// upstreamPeerEnv, set in the environment of the test binary, makes it run
// runUpstreamPeer instead of the tests.
const upstreamPeerEnv = "GROUPCACHE_COMPAT_UPSTREAM_PEER"

// controlPath prefixes the requests by which a test drives an upstream
// peer; its HTTPPool has upstream's default base path.
const controlPath = "/control/"

// runUpstreamPeer is the main function of a child process that runs one
// upstream peer: an HTTPPool and testGroup, built from upstream's package
// globals, which is why each upstream peer needs a process of its own. The
// pool is served as upstream's NewHTTPPool arranges, by
// http.DefaultServeMux, which cleans "." and ".." segments out of request
// paths. It listens on a port of 127.0.0.1 chosen by the kernel, writes
// its base URL on a line to standard output, and exits when standard input
// closes, so that it cannot outlive the test that started it.
func runUpstreamPeer() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	self := "http://" + ln.Addr().String()
	c := &upstreamControl{pool: upstream.NewHTTPPool(self)}
	c.group = upstream.NewGroup(testGroup, testCacheBytes, upstream.GetterFunc(
		func(_ context.Context, key string, dest upstream.Sink) error {
			c.loads.add(key)
			return dest.SetString(valueOf(key))
		}))
	http.Handle(controlPath, c)
	go http.Serve(ln, nil)
	fmt.Println(self)
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// upstreamControl answers the requests a test uses to drive an upstream
// peer.
type upstreamControl struct {
	pool  *upstream.HTTPPool
	group *upstream.Group
	loads loadLog
}

func (c *upstreamControl) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cmd := strings.TrimPrefix(r.URL.Path, controlPath)
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	switch cmd {
	case "peers": // peer=URL...: replace the ring
		c.pool.Set(r.PostForm["peer"]...)
	case "get": // key=K&timeout=D: Get K, bounded by D if given
		ctx := r.Context()
		if d := r.Form.Get("timeout"); d != "" {
			timeout, err := time.ParseDuration(d)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, timeout)
			defer cancel()
		}
		var v string
		if err := c.group.Get(ctx, r.Form.Get("key"), upstream.StringSink(&v)); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		io.WriteString(w, v)
	case "loads": // the keys loaded, in order, form-encoded
		io.WriteString(w, url.Values{"key": c.loads.snapshot()}.Encode())
	case "stats": // the group's counters, form-encoded
		s := &c.group.Stats
		io.WriteString(w, url.Values{
			"ServerRequests": {strconv.FormatInt(s.ServerRequests.Get(), 10)},
			"PeerErrors":     {strconv.FormatInt(s.PeerErrors.Get(), 10)},
		}.Encode())
	default:
		http.NotFound(w, r)
	}
}
