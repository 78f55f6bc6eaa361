package testpb

import (
	"testing"

	"google.golang.org/protobuf/proto"
)

func TestStatsResponseRoundTrip(t *testing.T) {
	in := &StatsResponse{
		Gets:       proto.Int64(10),
		CacheHits:  proto.Int64(7),
		TotalAlloc: proto.Uint64(1 << 40),
		MainCache:  &CacheStats{Items: proto.Int64(3), Evicts: proto.Int64(1)},
		LocalLoads: proto.Int64(2),
	}
	b, err := proto.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out := new(StatsResponse)
	if err := proto.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(in, out) {
		t.Fatalf("round trip: got %v, want %v", out, in)
	}
}

func TestRepeatCountDefault(t *testing.T) {
	b, err := proto.Marshal(&TestRequest{Lower: proto.String("abc")})
	if err != nil {
		t.Fatal(err)
	}
	out := new(TestRequest)
	if err := proto.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
	if out.GetLower() != "abc" || out.GetRepeatCount() != Default_TestRequest_RepeatCount || Default_TestRequest_RepeatCount != 1 {
		t.Errorf("decoded %v: want lower abc and repeat_count defaulting to 1", out)
	}
}
