package cache_test

import (
	"context"
	"encoding/binary"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// TestSnappyLengthHeaderIsBounded stores a snappy value whose length header
// claims 512 MiB behind a few bytes of body. Get used to allocate what the
// header claimed before finding the body short; a body can expand at most
// 64/3 times under snappy, so a larger claim is corrupt and is refused
// before allocating, with or without MaxValueBytes.
func TestSnappyLengthHeaderIsBounded(t *testing.T) {
	ctx := context.Background()
	crafted := binary.AppendUvarint([]byte("CMP1s\x00\x00\x00\x00"), 512<<20) // snappy envelope, checksum, claimed length
	crafted = append(crafted, 0, 'x')                                         // a one-byte literal
	for _, limit := range []int{0, 1 << 30} {
		s, raw := layered(t, cachecore.BaseConfig{Compression: cache.CompressionSnappy, MaxValueBytes: limit})
		must(t, raw.Set(ctx, "k", crafted, time.Minute))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, found, err := s.Get(ctx, "k")
		runtime.ReadMemStats(&after)
		if !errors.Is(err, cache.ErrCorruptCompression) || found {
			t.Fatalf("MaxValueBytes %d: Get = %v, %v; want ErrCorruptCompression", limit, found, err)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
			t.Fatalf("MaxValueBytes %d: Get allocated %d bytes for a %d-byte value", limit, n, len(crafted))
		}
	}
	// The bound admits the densest values snappy writes.
	s, raw := layered(t, cachecore.BaseConfig{Compression: cache.CompressionSnappy})
	for _, n := range []int{64, 4 << 10, 4 << 20} {
		zeros := make([]byte, n)
		must(t, s.Set(ctx, "zeros", zeros, time.Minute))
		stored, _, _ := raw.Get(ctx, "zeros")
		if v, _, err := s.Get(ctx, "zeros"); err != nil || len(v) != n {
			t.Fatalf("%d zeros stored as %d bytes read back as %d bytes, %v", n, len(stored), len(v), err)
		}
	}
}
