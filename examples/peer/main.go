// Peer is one groupcache peer of a cluster you start by hand: the program
// to copy when you deploy groupcache. Start three, each in a terminal:
//
//	go run ./examples/peer -self http://127.0.0.1:8001 -peers http://127.0.0.1:8001,http://127.0.0.1:8002,http://127.0.0.1:8003
//	go run ./examples/peer -self http://127.0.0.1:8002 -peers http://127.0.0.1:8001,http://127.0.0.1:8002,http://127.0.0.1:8003
//	go run ./examples/peer -self http://127.0.0.1:8003 -peers http://127.0.0.1:8001,http://127.0.0.1:8002,http://127.0.0.1:8003
//
// Then ask any of them for a key, and again from another peer:
//
//	curl 'http://127.0.0.1:8001/get?key=alice'
//	curl 'http://127.0.0.1:8002/get?key=alice'
//	curl http://127.0.0.1:8002/stats
//
// The first answer takes 100ms, the time the simulated database takes;
// the second is immediate. Both name the same peer in "loaded_by": the
// key's owner, which alone ran the Getter; "served_by" is the peer asked.
//
// Each peer serves, on one port, the groupcache protocol its peers use
// (under /_groupcache/) and an API for people:
//
//	GET /get?key=K  the value of K, the peer that loaded it and the peer that answered, as JSON
//	GET /stats      the group's statistics (groupcache.Stats and both caches' CacheStats), as JSON
//	GET /status     a status page for people: hit ratios, loads, memory, peers' latency, with charts
//	                (package statuspage); /status?format=json has the same figures as JSON
//	GET /readyz     200 while the peer takes clients: 503 until it has its peer list, and once it is shutting down
//
// On SIGTERM or SIGINT the peer leaves before it stops (HTTPPool.Shutdown):
// /readyz turns 503, so that a load balancer stops sending clients; it
// keeps serving its keys for -settle, while the other peers drop it from
// their rings, then answers their requests for its cached values (warm
// handover) until none has come for -quiet, and only then stops its
// server. Run each peer with the same -settle. Peers find each other
// through HTTPPool.Discover, here from the fixed list -peers
// (groupcache.StaticPeers); see the README for DNS, gossip and Kubernetes.
//
// Failed requests to peers, requests the pool refused and changes of the
// peer list are logged to stderr (HTTPPoolOptions.Logger), at most one
// line per peer every ten seconds.
//
// Run it with -h for the flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/seed3c1b93bc/groupcache"
	"github.com/seed3c1b93bc/groupcache/statuspage"
)

// groupName is the group the peer serves; every peer must use the same.
const groupName = "users"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		if errors.As(err, new(*usageError)) {
			fmt.Fprintln(os.Stderr, "run with -h for usage")
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// run starts the peer that args, the command line without the program
// name, describe, and serves until ctx ends. With -h it prints the usage
// to stdout instead.
//
// run uses the package-level groupcache API, as a deployment does, and
// that registers the peer in process-wide defaults: a process can start
// only one peer.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseConfig(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage())
		return nil
	}
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, ln, stdout)
}

// serve runs the peer that cfg describes on ln until ctx ends, then shuts
// its server down. It reports on stdout that it is serving.
func serve(ctx context.Context, cfg config, ln net.Listener, stdout io.Writer) error {
	pool := groupcache.NewHTTPPoolOpts(cfg.self, &groupcache.HTTPPoolOptions{
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	discoverCtx, stopDiscover := context.WithCancel(context.Background())
	defer stopDiscover()
	discovered := make(chan error, 1)
	go func() {
		discovered <- pool.DiscoverOpts(discoverCtx, groupcache.StaticPeers(cfg.peers),
			&groupcache.DiscoverOptions{Settle: cfg.settle, DrainQuiet: cfg.quiet})
	}()
	group := groupcache.NewGroup(groupName, 64<<20, slowDB(cfg.self, cfg.delay))
	status := statuspage.New(groupcache.DefaultRegistry, nil)
	defer status.Close()

	mux := http.NewServeMux()
	mux.Handle("/_groupcache/", pool) // the other peers' requests
	mux.Handle("GET /get", getHandler(cfg.self, group))
	mux.Handle("GET /stats", statsHandler(cfg.self, group))
	mux.Handle("GET /status", status)
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		switch {
		case pool.Leaving():
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
		case len(pool.Peers()) == 0:
			// Discover has not applied a list yet: a client sent
			// here now would see every key loaded locally.
			http.Error(w, "no peer list yet", http.StatusServiceUnavailable)
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}

	fmt.Fprintf(stdout, "peer %s, one of %d, listening on %s\n", cfg.self, len(cfg.peers), ln.Addr())
	fmt.Fprintf(stdout, "try: curl '%s/get?key=alice'; status page: %s/status\n", cfg.self, cfg.self)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	// Leave first: the other peers take over this one's keys, fetching
	// its cached values, while it still serves. Then let requests in
	// progress, a peer's among them, finish.
	leaveCtx, cancelLeave := context.WithTimeout(context.Background(), cfg.settle+cfg.quiet+20*time.Second)
	defer cancelLeave()
	if err := pool.Shutdown(leaveCtx); err != nil {
		fmt.Fprintln(os.Stderr, "peer: leaving the cluster:", err)
	}
	<-discovered // Shutdown made Discover return
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	<-served // http.ErrServerClosed, once Shutdown has begun
	return err
}
