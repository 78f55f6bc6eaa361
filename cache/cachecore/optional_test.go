package cachecore

import (
	"bytes"
	"context"
	"testing"
)

// mapStore is a Store without optional interfaces. Methods the test does
// not need come from the nil embedded interface.
type mapStore struct {
	Store
	m map[string][]byte
}

func (s *mapStore) Get(_ context.Context, k string) ([]byte, bool, error) {
	v, ok := s.m[k]
	return bytes.Clone(v), ok, nil
}

func (s *mapStore) Delete(_ context.Context, k string) error {
	delete(s.m, k)
	return nil
}

func TestCompareAndDeleteFallback(t *testing.T) {
	ctx := context.Background()
	s := &mapStore{m: map[string][]byte{"k": []byte("mine")}}
	if ok, err := CompareAndDelete(ctx, s, "k", []byte("theirs")); ok || err != nil {
		t.Fatalf("mismatch = %v, %v", ok, err)
	}
	if _, still := s.m["k"]; !still {
		t.Fatal("mismatch deleted the key")
	}
	if ok, err := CompareAndDelete(ctx, s, "k", []byte("mine")); !ok || err != nil {
		t.Fatalf("match = %v, %v", ok, err)
	}
	if ok, err := CompareAndDelete(ctx, s, "k", []byte("mine")); ok || err != nil {
		t.Fatalf("missing = %v, %v", ok, err)
	}
}
