package peerproc

import (
	"context"
	"net/http"
)

// A Node is one groupcache implementation set up as a peer: its HTTP pool,
// knowing every peer, and the group GroupName with a Getter that calls
// load.
type Node interface {
	// ServeHTTP answers other peers' requests at the pool's base path.
	http.Handler

	// Get returns key's value through the group, as an application
	// running on this peer would get it.
	Get(ctx context.Context, key string) (string, error)

	// Counters returns the group's count of requests sent to other
	// peers (successful or not) and of requests received from them.
	Counters() (peerRequests, serverRequests int64)
}

// NewNode makes the Node of a peer whose base URL is self, in a ring of
// peers (self included). Its Getter must hand load(key) to its Sink with
// SetString.
type NewNode func(self string, peers []string, load func(key string) string) Node
