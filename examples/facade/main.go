// Facade runs three groupcache peers in one process and uses the cache
// facade on top of them: each peer wraps its group in a store made by
// cache.NewGroupStore, and calls the facade's Remember[T], Get[T], Set[T]
// and Delete as any application would, while the demo prints who loaded
// what.
//
//	go run ./examples/facade
//
// Each peer has what a separate process would have of its own: a
// groupcache.Registry, an HTTPPool bound to it and served on a loopback
// port, the group "users", whose Getter stands for a database query, and a
// cache.Cache over the group.
package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

func main() {
	// The demo takes a fraction of a second; the bound only keeps a
	// wedged run from hanging.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := runDemo(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "facade:", err)
		os.Exit(1)
	}
}
