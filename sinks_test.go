package groupcache

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/seed3c1b93bc/groupcache/testpb"
	"google.golang.org/protobuf/proto"
)

// bytesGroup returns a group whose Getter stores a fresh []byte per load
// and hands the test that slice, so the test can try to change the cached
// value through it.
func bytesGroup(t *testing.T, value string) (*Group, *[]byte) {
	t.Helper()
	var given []byte
	g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		given = []byte(value)
		return dest.SetBytes(given)
	}))
	return g, &given
}

func TestCachedValueCannotBeChangedThroughSinks(t *testing.T) {
	ctx := context.Background()
	g, given := bytesGroup(t, "original")

	var first []byte
	if err := g.Get(ctx, "k", AllocatingByteSliceSink(&first)); err != nil {
		t.Fatal(err)
	}
	copy(*given, "XXXXXXXX") // the slice the Getter passed to SetBytes
	copy(first, "YYYYYYYY")  // the slice the first caller received

	var second []byte
	if err := g.Get(ctx, "k", AllocatingByteSliceSink(&second)); err != nil {
		t.Fatal(err)
	}
	if string(second) != "original" {
		t.Fatalf("cached value changed to %q", second)
	}
	copy(second, "ZZZZZZZZ")

	var v ByteView
	if err := g.Get(ctx, "k", ByteViewSink(&v)); err != nil {
		t.Fatal(err)
	}
	b := v.ByteSlice()
	copy(b, "WWWWWWWW")
	var s string
	if err := g.Get(ctx, "k", StringSink(&s)); err != nil || s != "original" {
		t.Fatalf("after changing every slice handed out, Get = %q, %v", s, err)
	}

	buf := make([]byte, 4)
	if err := g.Get(ctx, "k", TruncatingByteSliceSink(&buf)); err != nil || string(buf) != "orig" {
		t.Fatalf("truncating sink = %q, %v", buf, err)
	}
	copy(buf, "QQQQ")
	if err := g.Get(ctx, "k", StringSink(&s)); err != nil || s != "original" {
		t.Fatalf("after changing the truncated copy, Get = %q, %v", s, err)
	}
}

func TestTruncatingSinkShrinks(t *testing.T) {
	g, _ := bytesGroup(t, "ab")
	buf := make([]byte, 10)
	if err := g.Get(context.Background(), "k", TruncatingByteSliceSink(&buf)); err != nil {
		t.Fatal(err)
	}
	if string(buf) != "ab" {
		t.Fatalf("got %q; want the slice shrunk to the 2 bytes available", buf)
	}
}

func TestSinksAcceptEverySetter(t *testing.T) {
	msg := &testpb.TestMessage{Name: proto.String("ada"), City: proto.String("london")}
	encoded, err := proto.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	setters := map[string]func(Sink) error{
		"SetString": func(s Sink) error { return s.SetString(string(encoded)) },
		"SetBytes":  func(s Sink) error { return s.SetBytes(encoded) },
		"SetProto":  func(s Sink) error { return s.SetProto(msg) },
	}
	for name, set := range setters {
		var str string
		var view ByteView
		var alloc, trunc []byte
		trunc = make([]byte, len(encoded))
		got := &testpb.TestMessage{}
		sinks := map[string]struct {
			sink  Sink
			check func() bool
		}{
			"StringSink":              {StringSink(&str), func() bool { return str == string(encoded) }},
			"ByteViewSink":            {ByteViewSink(&view), func() bool { return view.EqualBytes(encoded) }},
			"AllocatingByteSliceSink": {AllocatingByteSliceSink(&alloc), func() bool { return bytes.Equal(alloc, encoded) }},
			"TruncatingByteSliceSink": {TruncatingByteSliceSink(&trunc), func() bool { return bytes.Equal(trunc, encoded) }},
			"ProtoSink":               {ProtoSink(got), func() bool { return proto.Equal(got, msg) }},
		}
		for sinkName, tc := range sinks {
			if err := set(tc.sink); err != nil {
				t.Errorf("%s on %s: %v", name, sinkName, err)
				continue
			}
			if !tc.check() {
				t.Errorf("%s on %s: destination does not hold the value", name, sinkName)
			}
			if v, err := tc.sink.view(); err != nil || !v.EqualBytes(encoded) {
				t.Errorf("%s on %s: view = %q, %v", name, sinkName, v, err)
			}
		}
	}
}

func TestProtoSinkRejectsBadBytes(t *testing.T) {
	g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		return dest.SetBytes([]byte{0xff, 0xff, 0xff})
	}))
	for i := 0; i < 2; i++ { // a load, then a hit
		if err := g.Get(context.Background(), "k", ProtoSink(&testpb.TestMessage{})); err == nil {
			t.Fatalf("round %d: invalid protobuf accepted by ProtoSink", i)
		}
	}
	// The value itself is what the Getter loaded; other sinks read it.
	var b []byte
	if err := g.Get(context.Background(), "k", AllocatingByteSliceSink(&b)); err != nil || !bytes.Equal(b, []byte{0xff, 0xff, 0xff}) {
		t.Fatalf("bytes sink: %x, %v", b, err)
	}
}

func TestProtoSinkFromCache(t *testing.T) {
	want := &testpb.TestMessage{Name: proto.String("grace")}
	g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		return dest.SetProto(want)
	}))
	for i := 0; i < 2; i++ { // a load, then a hit
		got := &testpb.TestMessage{}
		if err := g.Get(context.Background(), "k", ProtoSink(got)); err != nil || !proto.Equal(got, want) {
			t.Fatalf("round %d: %v, %v", i, got, err)
		}
	}
}

func TestSinksWithNilDestination(t *testing.T) {
	for name, s := range map[string]Sink{
		"StringSink":              StringSink(nil),
		"ByteViewSink":            ByteViewSink(nil),
		"ProtoSink":               ProtoSink(nil),
		"AllocatingByteSliceSink": AllocatingByteSliceSink(nil),
		"TruncatingByteSliceSink": TruncatingByteSliceSink(nil),
	} {
		if err := s.SetString("x"); !errors.Is(err, ErrNilDestination) {
			t.Errorf("%s.SetString: %v", name, err)
		}
		if err := s.SetBytes([]byte("x")); !errors.Is(err, ErrNilDestination) {
			t.Errorf("%s.SetBytes: %v", name, err)
		}
	}
}

func TestHitDoesNotAllocate(t *testing.T) {
	g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		return dest.SetString("a value of some length")
	}))
	ctx := context.Background()
	var s string
	sink := StringSink(&s)
	var v ByteView
	vsink := ByteViewSink(&v)
	g.Get(ctx, "k", sink)
	if n := testing.AllocsPerRun(100, func() { g.Get(ctx, "k", sink) }); n != 0 {
		t.Errorf("a hit into a StringSink allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { g.Get(ctx, "k", vsink) }); n != 0 {
		t.Errorf("a hit into a ByteViewSink allocates %v times", n)
	}
	// Making a sink for each Get costs nothing either: a sink is its
	// destination pointer.
	if n := testing.AllocsPerRun(100, func() { g.Get(ctx, "k", StringSink(&s)) }); n != 0 {
		t.Errorf("a hit into a new StringSink allocates %v times", n)
	}
	var b []byte
	if n := testing.AllocsPerRun(100, func() { g.Get(ctx, "k", TruncatingByteSliceSink(&b)) }); n != 0 {
		t.Errorf("a hit into a new TruncatingByteSliceSink allocates %v times", n)
	}
}
