// Cluster runs three groupcache peers in one process and walks them through
// a short scenario that shows what groupcache does: each key is loaded once,
// by its owner, whichever peer asks; concurrent misses collapse into one
// load; popular keys are copied to the peers that ask for them; and a peer
// that goes away costs its keys one reload, not an error.
//
//	go run ./examples/cluster
//
// Each peer has what a separate process would have of its own: a
// groupcache.Registry, an HTTPPool bound to it and served by its own
// http.Server on a loopback port, and the group "users", whose Getter
// stands for a database query that takes 100ms.
package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

func main() {
	// The demo takes about a second; the bound only keeps a wedged run
	// from hanging.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := runDemo(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		os.Exit(1)
	}
}
