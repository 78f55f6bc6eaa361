package cachetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

func (s *suite) roundTrip(t *testing.T) {
	k := s.key(t, "k")
	s.expect(t, k, nil)
	s.set(t, k, []byte("v1"), long)
	s.expect(t, k, []byte("v1"))
	s.set(t, k, []byte("value two"), long)
	s.expect(t, k, []byte("value two"))
	s.expect(t, s.key(t, "never-written"), nil)
}

func (s *suite) cloneSafety(t *testing.T) {
	ctx := context.Background()
	k := s.key(t, "k")
	in := []byte("original")
	s.set(t, k, in, long)
	copy(in, "MUTATED!")
	s.expect(t, k, []byte("original"))

	if _, err := s.store.Add(ctx, s.key(t, "added"), in, long); err != nil {
		t.Fatalf("Add: %v", err)
	}
	copy(in, "again!!!")
	s.expect(t, s.key(t, "added"), []byte("MUTATED!"))

	if s.opts.Null {
		return
	}
	out, _, err := s.store.Get(ctx, k)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	copy(out, "MUTATED!")
	s.expect(t, k, []byte("original"))
}

func (s *suite) values(t *testing.T) {
	ctx := context.Background()
	cases := map[string][]byte{
		"empty":  {},
		"binary": make([]byte, 256),
		"large":  make([]byte, s.opts.largeSize()),
		"text":   []byte("héllo, wörld\x00\n"),
	}
	for i := range cases["binary"] {
		cases["binary"][i] = byte(i)
	}
	if _, err := rand.Read(cases["large"]); err != nil {
		t.Fatal(err)
	}
	for name, v := range cases {
		k := s.key(t, name)
		s.set(t, k, v, long)
		s.expect(t, k, v)
	}

	// A nil value is stored as empty: found, with no bytes.
	k := s.key(t, "nil")
	s.set(t, k, nil, long)
	got, found, err := s.store.Get(ctx, k)
	if err != nil || found == s.opts.Null || len(got) != 0 {
		t.Fatalf("Get after Set(nil) = %q, %v, %v; want empty, found=%v", got, found, err, !s.opts.Null)
	}

	// Keys that would be dangerous as paths or are unusual in other ways
	// must stay distinct, ordinary keys.
	for _, name := range []string{"../../../escape", "/abs/path", "with space", "ключ", "a\x00b", "dots/./..", "UPPER", "upper"} {
		k := s.key(t, "keys/") + name
		s.set(t, k, []byte(name), long)
	}
	for _, name := range []string{"../../../escape", "/abs/path", "with space", "ключ", "a\x00b", "dots/./..", "UPPER", "upper"} {
		s.expect(t, s.key(t, "keys/")+name, []byte(name))
	}
}

func (s *suite) delete(t *testing.T) {
	ctx := context.Background()
	if err := s.store.Delete(ctx, s.key(t, "missing")); err != nil {
		t.Fatalf("Delete(missing) = %v, want nil", err)
	}
	k := s.key(t, "k")
	s.set(t, k, []byte("v"), long)
	if err := s.store.Delete(ctx, k); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	s.expect(t, k, nil)

	keys := []string{s.key(t, "a"), s.key(t, "b"), s.key(t, "c")}
	for _, k := range keys {
		s.set(t, k, []byte(k), long)
	}
	keep := s.key(t, "keep")
	s.set(t, keep, []byte("kept"), long)
	if err := s.store.DeleteMany(ctx, append(keys, s.key(t, "missing"))...); err != nil {
		t.Fatalf("DeleteMany: %v", err)
	}
	for _, k := range keys {
		s.expect(t, k, nil)
	}
	s.expect(t, keep, []byte("kept"))
	if err := s.store.DeleteMany(ctx); err != nil {
		t.Fatalf("DeleteMany() with no keys = %v, want nil", err)
	}
}

func (s *suite) flush(t *testing.T) {
	ctx := context.Background()
	keys := []string{s.key(t, "a"), s.key(t, "b"), s.key(t, "c")}
	for _, k := range keys {
		s.set(t, k, []byte("v"), long)
	}
	if s.opts.FlushUnsupported {
		if err := s.store.Flush(ctx); !errors.Is(err, errors.ErrUnsupported) {
			t.Fatalf("Flush = %v, want an error wrapping errors.ErrUnsupported", err)
		}
		for _, k := range keys {
			s.expect(t, k, []byte("v"))
		}
		return
	}
	if err := s.store.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	for _, k := range keys {
		s.expect(t, k, nil)
	}
	s.set(t, keys[0], []byte("after"), long)
	s.expect(t, keys[0], []byte("after"))
}

func (s *suite) maxValueBytes(t *testing.T) {
	limit := s.opts.MaxValueBytes
	if limit <= 0 {
		t.Skip("store has no MaxValueBytes")
	}
	ctx := context.Background()
	k := s.key(t, "k")
	fits := bytes.Repeat([]byte("x"), limit)
	s.set(t, k, fits, long)
	s.expect(t, k, fits)

	tooBig := bytes.Repeat([]byte("y"), limit+1)
	if err := s.store.Set(ctx, k, tooBig, long); !errors.Is(err, cachecore.ErrValueTooLarge) {
		t.Fatalf("Set(%d bytes) = %v, want ErrValueTooLarge", len(tooBig), err)
	}
	if _, err := s.store.Add(ctx, s.key(t, "add"), tooBig, long); !errors.Is(err, cachecore.ErrValueTooLarge) {
		t.Fatalf("Add(%d bytes) = %v, want ErrValueTooLarge", len(tooBig), err)
	}
	s.expect(t, k, fits)
	s.expect(t, s.key(t, "add"), nil)
}
