// Cluster runs three groupcache peers in one process and walks them through
// a short scenario that shows what groupcache does: each key is loaded once,
// by its owner, whichever peer asks; concurrent misses collapse into one
// load; popular keys are copied to the peers that ask for them; and a peer
// that goes away costs its keys one reload, not an error.
//
//	go run ./examples/cluster
//	go run ./examples/cluster -linger 5m   # then open the peers' /status pages
//
// Each peer has what a separate process would have of its own: a
// groupcache.Registry, an HTTPPool bound to it and served by its own
// http.Server on a loopback port, and the group "users", whose Getter
// stands for a database query that takes 100ms.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
)

func main() {
	linger := flag.Duration("linger", 0, "keep the peers up this long after the scenario, to look at their status pages (/status)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// The demo takes about a second; the bound only keeps a wedged run
	// from hanging.
	ctx, cancel := context.WithTimeout(ctx, time.Minute+*linger)
	defer cancel()
	if _, err := runDemoLinger(ctx, os.Stdout, *linger); err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		os.Exit(1)
	}
}
