package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache"
)

// childEnv, set in the environment of a child process of the test binary,
// makes it a peer: see TestMain.
const childEnv = "GROUPCACHE_EXAMPLE_PEER_CHILD"

// TestMain lets TestThreePeers run peers as child processes of the test
// binary: a peer's process-wide groupcache state cannot be shared.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(childMain(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// childMain is main for a peer started by TestThreePeers: its listener is
// file descriptor 3, and it stops when its standard input closes, which it
// does when the test ends, however it ends.
func childMain(args []string) int {
	cfg, err := parseConfig(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		return 2
	}
	f := os.NewFile(3, "listener")
	ln, err := net.FileListener(f)
	f.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	if err := serve(ctx, cfg, ln, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		return 1
	}
	return 0
}

// TestThreePeers starts three peers as separate processes, as a user
// would, asks each for the same keys and checks that each key was loaded
// once in the cluster, by one peer that every peer names.
func TestThreePeers(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("passing a listener to a child process needs ExtraFiles, which Windows lacks")
	}
	var lns []*net.TCPListener
	var urls []string
	for range 3 {
		ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		urls = append(urls, "http://"+ln.Addr().String())
	}
	for i, ln := range lns {
		startChild(t, ln, "-self", urls[i], "-peers", strings.Join(urls, ","), "-delay", "10ms", "-settle", "-1s", "-quiet", "10ms")
	}

	// Ask only once every peer is ready, as a load balancer would: a peer
	// takes clients once it has its peer list.
	for _, u := range urls {
		waitReady(t, u)
	}

	keys := []string{"alice", "bob", "carol", "dave"}
	for _, key := range keys {
		var loadedBy string
		for _, u := range urls {
			var res getResponse
			getJSON(t, u+"/get?key="+url.QueryEscape(key), &res)
			if res.Key != key || res.Value != "profile of "+key || res.ServedBy != u {
				t.Errorf("GET %s/get?key=%s = %+v, want the value of %s served by %s", u, key, res, key, u)
			}
			if loadedBy == "" {
				loadedBy = res.LoadedBy
			}
			if res.LoadedBy != loadedBy {
				t.Errorf("%s says %s loaded %q, an earlier peer said %s", u, res.LoadedBy, key, loadedBy)
			}
		}
	}

	// Each key was loaded once in the cluster, and each of the other two
	// peers fetched it from the loader once: the caches were cold, and a
	// peer copies a value only after fetching it.
	var localLoads, peerLoads, serverRequests int64
	for _, u := range urls {
		var res statsResponse
		getJSON(t, u+"/stats", &res)
		if res.Self != u || res.Group != groupName {
			t.Errorf("GET %s/stats names peer %s, group %q", u, res.Self, res.Group)
		}
		localLoads += res.Stats.LocalLoads
		peerLoads += res.Stats.PeerLoads
		serverRequests += res.Stats.ServerRequests
	}
	if n := int64(len(keys)); localLoads != n || peerLoads != 2*n || serverRequests != 2*n {
		t.Errorf("over all peers: LocalLoads %d, PeerLoads %d, ServerRequests %d; want %d, %d, %d",
			localLoads, peerLoads, serverRequests, n, 2*n, 2*n)
	}
}

// startChild starts a peer process with args, serving on ln, and stops it
// at the end of the test. The test fails unless the peer exits cleanly.
func startChild(t *testing.T, ln *net.TCPListener, args ...string) {
	t.Helper()
	f, err := ln.File()
	ln.Close() // the child has the socket; connections wait there until it accepts
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(os.Args[0], args...)
	// Under the race detector, a process sleeps a second before exiting
	// unless told not to.
	cmd.Env = append(os.Environ(), childEnv+"=1", "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0")
	cmd.ExtraFiles = []*os.File{f}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("peer %v: %v\n%s", args, err, &stderr)
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Errorf("peer %v did not stop within 10s of its stdin closing\n%s", args, &stderr)
		}
	})
}

var client = &http.Client{Timeout: 10 * time.Second}

// getJSON gets u and decodes its JSON body into v.
func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	res, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s: %s: %s", u, res.Status, body)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

// TestRun starts a peer in this process through run, as main does. It is
// the only test that does: a process can start only one peer.
func TestRun(t *testing.T) {
	if groupcache.GetGroup(groupName) != nil {
		t.Skip("this process already started its one peer, in an earlier run of TestRun (go test -count)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		// The peer is alone in its ring, so it never dials its own
		// URL, which only has to match -peers.
		err := run(ctx, []string{"-self", "http://127.0.0.1:8001", "-listen", "127.0.0.1:0", "-delay", "0s", "-settle", "-1s", "-quiet", "10ms"}, w)
		w.CloseWithError(err)
		done <- err
	}()
	lines := bufio.NewScanner(out)
	if !lines.Scan() {
		t.Fatalf("run printed nothing: %v", <-done)
	}
	_, addr, ok := strings.Cut(lines.Text(), "listening on ")
	if !ok {
		t.Fatalf("run's first line %q does not say where it listens", lines.Text())
	}
	go io.Copy(io.Discard, out) // whatever else run prints

	for range 2 {
		var res getResponse
		getJSON(t, "http://"+addr+"/get?key=a+b%2Fc", &res)
		want := getResponse{Key: "a b/c", record: record{Value: "profile of a b/c", LoadedBy: "http://127.0.0.1:8001"}, ServedBy: "http://127.0.0.1:8001", Took: res.Took}
		if res != want {
			t.Errorf("GET /get = %+v, want %+v", res, want)
		}
	}
	var stats statsResponse
	getJSON(t, "http://"+addr+"/stats", &stats)
	if s := stats.Stats; s.Gets != 2 || s.CacheHits != 1 || s.LocalLoads != 1 || stats.MainCache.Items != 1 {
		t.Errorf("after two Gets of one key: %+v, main cache %+v; want 2 Gets, 1 CacheHit, 1 LocalLoad, 1 item", s, stats.MainCache)
	}
	var status struct {
		Groups []struct {
			Name      string
			Gets      int64
			CacheHits int64 `json:"cache_hits"`
		}
	}
	getJSON(t, "http://"+addr+"/status?format=json", &status)
	if g := status.Groups; len(g) != 1 || g[0].Name != groupName || g[0].Gets != 2 || g[0].CacheHits != 1 {
		t.Errorf("GET /status?format=json groups %+v; want %s with 2 gets, 1 hit", g, groupName)
	}

	res, err := client.Get("http://" + addr + "/get")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("GET /get without a key: %s, want 400", res.Status)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run after its context ended: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return within 10s of its context ending")
	}
}

func TestRunHelp(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"-h"}, &out); err != nil {
		t.Fatalf("run -h: %v", err)
	}
	for _, f := range []string{"-self", "-peers", "-listen", "-delay"} {
		if !strings.Contains(out.String(), f) {
			t.Errorf("usage does not mention %s:\n%s", f, &out)
		}
	}
}

func TestParseConfig(t *testing.T) {
	const a, b = "http://127.0.0.1:8001", "http://127.0.0.1:8002"
	cfg, err := parseConfig([]string{"-self", a, "-peers", a + "," + b})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.self != a || len(cfg.peers) != 2 || cfg.peers[1] != b || cfg.listen != "127.0.0.1:8001" || cfg.delay != 100*time.Millisecond {
		t.Errorf("parseConfig = %+v", cfg)
	}

	for _, tc := range []struct {
		args []string
		want string // in the error message
	}{
		{nil, "-self is required"},
		{[]string{"-self"}, "flag needs an argument: -self"},
		{[]string{"-slef", a}, "not defined: -slef"},
		{[]string{"-self", a, "extra"}, `unexpected argument "extra"`},
		{[]string{"-self", "127.0.0.1:8001"}, `-self: "127.0.0.1:8001" is not a base URL`},
		{[]string{"-self", a + "/"}, "is not a base URL"},
		{[]string{"-self", "https://127.0.0.1:8001"}, "is not a base URL"},
		{[]string{"-self", a, "-peers", b}, "-self " + a + " is not among -peers"},
		{[]string{"-self", a, "-peers", a + ","}, `-peers: "" is not a base URL`},
		{[]string{"-self", a, "-peers", a + "," + a}, "lists " + a + " twice"},
		{[]string{"-self", "http://localhost"}, "has no port"},
		{[]string{"-self", a, "-delay", "-1s"}, "-delay -1s is negative"},
	} {
		_, err := parseConfig(tc.args)
		if !errors.As(err, new(*usageError)) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseConfig(%q) = %v, want a usage error saying %q", tc.args, err, tc.want)
		}
	}
	if _, err := parseConfig([]string{"-self", "http://localhost", "-listen", ":0"}); err != nil {
		t.Errorf("a -self without a port, with -listen: %v", err)
	}
	if _, err := parseConfig([]string{"-help"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("parseConfig(-help) = %v, want flag.ErrHelp", err)
	}
}

// waitReady waits, for at most 10 seconds, until u/readyz answers 200.
func waitReady(t *testing.T, u string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(u + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never became ready (last: %v)", u, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
