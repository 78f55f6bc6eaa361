package groupcachepb

import (
	"bytes"
	"testing"

	"google.golang.org/protobuf/proto"
)

func TestGetResponseRoundTrip(t *testing.T) {
	in := &GetResponse{
		Value:     []byte("v\x00\xff"),
		MinuteQps: proto.Float64(12.5),
		Expire:    proto.Int64(1700000000123456789),
	}
	b, err := proto.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out := new(GetResponse)
	if err := proto.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(in, out) {
		t.Fatalf("round trip: got %v, want %v", out, in)
	}
}

// TestGetResponseUpstreamWireFormat pins the encoding of the fields upstream
// knows: value (1, bytes) then minute_qps (2, double), and checks that the
// added expire field is simply absent when unset, so upstream peers see
// exactly the bytes they would produce themselves.
func TestGetResponseUpstreamWireFormat(t *testing.T) {
	in := &GetResponse{Value: []byte("hi"), MinuteQps: proto.Float64(1)}
	want := []byte{
		0x0a, 0x02, 'h', 'i', // field 1, length 2
		0x11, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, // field 2, fixed64 1.0
	}
	got, err := proto.MarshalOptions{Deterministic: true}.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("encoding = % x, want % x", got, want)
	}
	out := new(GetResponse)
	if err := proto.Unmarshal(want, out); err != nil {
		t.Fatal(err)
	}
	if out.Expire != nil || out.GetExpire() != 0 {
		t.Errorf("expire decoded as %v from a message without it", out.Expire)
	}
}

func TestRequestsRoundTrip(t *testing.T) {
	for _, in := range []proto.Message{
		&GetRequest{Group: proto.String("g"), Key: proto.String("k\xff")},
		&SetRequest{Group: proto.String("g"), Key: proto.String("k"), Value: []byte("v"), Expire: proto.Int64(42)},
	} {
		b, err := proto.Marshal(in)
		if err != nil {
			t.Fatalf("%T: %v", in, err)
		}
		out := in.ProtoReflect().New().Interface()
		if err := proto.Unmarshal(b, out); err != nil {
			t.Fatalf("%T: %v", in, err)
		}
		if !proto.Equal(in, out) {
			t.Errorf("%T round trip: got %v, want %v", in, out, in)
		}
	}
}

func TestRequiredFieldsEnforced(t *testing.T) {
	if _, err := proto.Marshal(&GetRequest{Group: proto.String("g")}); err == nil {
		t.Error("Marshal accepted a GetRequest without its required key")
	}
}
