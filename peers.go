package groupcache

import (
	"context"

	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
)

// Context is an alias for context.Context, kept so that code written for
// the older groupcache API, which named its own Context type, compiles.
type Context = context.Context

// ProtoGetter is the interface that must be implemented by a peer.
//
// Get asks the peer for in.Key of group in.Group and fills out with the
// value. It must honour ctx's deadline and cancellation.
type ProtoGetter interface {
	Get(ctx context.Context, in *pb.GetRequest, out *pb.GetResponse) error
}

// PeerPicker is the interface that must be implemented to locate the peer
// that owns a specific key.
type PeerPicker interface {
	// PickPeer returns the peer that owns the specific key
	// and true to indicate that a remote peer was nominated.
	// It returns nil, false if the key owner is the current peer.
	PickPeer(key string) (peer ProtoGetter, ok bool)
}

// NoPeers is an implementation of PeerPicker that never finds a peer: every
// key is loaded by the process that asks for it.
type NoPeers struct{}

// PickPeer implements PeerPicker; it always returns nil, false.
func (NoPeers) PickPeer(key string) (peer ProtoGetter, ok bool) { return }
