// Example is a groupcache peer that finds its peers in Kubernetes: the
// program examples/kubernetes deploys. It serves on one port both the
// groupcache protocol its peers use (under /_groupcache/) and:
//
//	GET /get?key=K  the value of K and the pod that loaded it, as text
//	GET /healthz    200 once the peer serves; the readiness probe
//
// It is configured from the environment, which the Deployment sets:
//
//	POD_IP     this pod's IP (from the downward API; required)
//	PORT       the port to serve on, named "peer" in the Service (default 8080)
//	SERVICE    the headless Service selecting the peers (default groupcache-peer)
//	NAMESPACE  the Service's namespace (default: the pod's own)
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/seed3c1b93bc/groupcache"
	"github.com/seed3c1b93bc/groupcache/discovery/kubernetes"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	podIP := os.Getenv("POD_IP")
	if net.ParseIP(podIP) == nil {
		return fmt.Errorf("POD_IP %q is not an IP address; set it from status.podIP", podIP)
	}
	port, err := strconv.ParseUint(envOr("PORT", "8080"), 10, 16)
	if err != nil || port == 0 {
		return fmt.Errorf("PORT %q is not a port number", os.Getenv("PORT"))
	}
	// Self is spelled as the Source spells endpoints, so that the pool
	// finds itself among the peers it is given.
	self := kubernetes.BaseURL("http", podIP, int32(port))
	src, err := kubernetes.New(kubernetes.Config{
		Namespace: os.Getenv("NAMESPACE"),
		Service:   envOr("SERVICE", "groupcache-peer"),
		PortName:  "peer",
		Self:      self,
	})
	if err != nil {
		return err
	}

	pool := groupcache.NewHTTPPoolOpts(self, nil)
	hostname, _ := os.Hostname()
	group := groupcache.NewGroup("demo", 32<<20, groupcache.GetterFunc(
		func(ctx context.Context, key string, dest groupcache.Sink) error {
			return dest.SetString(fmt.Sprintf("value of %s, loaded by %s\n", key, hostname))
		}))

	mux := http.NewServeMux()
	mux.Handle("/_groupcache/", pool)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /get", func(w http.ResponseWriter, r *http.Request) {
		var v string
		if err := group.Get(r.Context(), r.URL.Query().Get("key"), groupcache.StringSink(&v)); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, v)
	})
	srv := &http.Server{
		Addr:              net.JoinHostPort("", strconv.Itoa(int(port))),
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
	}

	errc := make(chan error, 2)
	go func() { errc <- srv.ListenAndServe() }()
	// Discover returns only when ctx ends or on a fatal error; either
	// way the pod should stop, and Kubernetes restart it if need be.
	go func() { errc <- pool.Discover(ctx, src) }()
	log.Printf("peer %s serving; discovering peers through Service %s", self, envOr("SERVICE", "groupcache-peer"))

	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	// Finish requests in flight, a peer's among them, before exiting.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutdownCtx); err == nil || errors.Is(err, http.ErrServerClosed) {
		err = serr
	}
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
