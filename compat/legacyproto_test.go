package compat

import (
	"context"
	"testing"

	uptestpb "github.com/golang/groupcache/testpb"
	"github.com/seed3c1b93bc/groupcache"
	"github.com/seed3c1b93bc/groupcache/testpb"
)

// TestLegacyProtoMessages checks that ProtoSink and Sink.SetProto accept
// what upstream's accept, github.com/golang/protobuf's proto.Message,
// which includes messages generated before protobuf's APIv2 and so
// without a ProtoReflect method, such as those of upstream's testpb. It
// also checks that such a message is encoded as our generated twin is.
func TestLegacyProtoMessages(t *testing.T) {
	ctx := context.Background()
	name, city := "ada", "london"
	want := &uptestpb.TestMessage{Name: &name, City: &city}
	g := groupcache.NewRegistry().NewGroup(testGroup, testCacheBytes, groupcache.GetterFunc(
		func(_ context.Context, _ string, dest groupcache.Sink) error {
			return dest.SetProto(want)
		}))

	var legacy uptestpb.TestMessage
	if err := g.Get(ctx, "k", groupcache.ProtoSink(&legacy)); err != nil {
		t.Fatalf("Get into a legacy message: %v", err)
	}
	if legacy.GetName() != name || legacy.GetCity() != city {
		t.Errorf("legacy message = %v; want %v", &legacy, want)
	}

	var ours testpb.TestMessage
	if err := g.Get(ctx, "k", groupcache.ProtoSink(&ours)); err != nil {
		t.Fatalf("Get into our message: %v", err)
	}
	if ours.GetName() != name || ours.GetCity() != city {
		t.Errorf("our message = %v; want name %q, city %q", &ours, name, city)
	}
}
