package cache_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// The records below are built byte by byte from goforj/cache's file store
// format, which the package documentation gives, not with the store's
// encoder.

// cfr2 is a current goforj/cache record.
func cfr2(key string, expiresAt int64, value []byte) []byte {
	b := []byte("CFR2")
	b = binary.BigEndian.AppendUint64(b, uint64(expiresAt))
	b = binary.BigEndian.AppendUint32(b, uint32(len(key)))
	b = append(b, key...)
	return append(b, value...)
}

// cfr1 is the record of earlier goforj/cache versions, without the key.
func cfr1(expiresAt int64, value []byte) []byte {
	b := binary.BigEndian.AppendUint64([]byte("CFR1"), uint64(expiresAt))
	return append(b, value...)
}

func goforjName(dir, key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(dir, hex.EncodeToString(sum[:])+".cache")
}

func TestFileStoreReadsGoforjRecords(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := cache.NewFileStore(ctx, dir)
	hour := time.Now().Add(time.Hour).UnixNano()
	past := time.Now().Add(-time.Second).UnixNano()
	records := map[string][]byte{
		"current":       cfr2("current", hour, []byte("v2")),
		"forever":       cfr2("forever", 0, []byte("no expiry")),
		"empty":         cfr2("empty", hour, nil),
		"older":         cfr1(hour, []byte("v1")),
		"json":          []byte(`{"key":"json","expires_at":` + strconv.FormatInt(hour, 10) + `,"value":"` + base64.StdEncoding.EncodeToString([]byte("vj")) + `"}`),
		"json keyless":  []byte(`{"expires_at":0,"value":"dmo="}`),
		"expired":       cfr2("expired", past, []byte("old")),
		"expired older": cfr1(past, []byte("old")),
		"other key":     cfr2("someone else", hour, []byte("theirs")),
	}
	for key, rec := range records {
		must(t, os.WriteFile(goforjName(dir, key), rec, 0o600))
	}
	for key, want := range map[string]string{
		"current": "v2", "forever": "no expiry", "empty": "", "older": "v1", "json": "vj", "json keyless": "vj",
	} {
		if v, found, err := s.Get(ctx, key); err != nil || !found || string(v) != want {
			t.Errorf("Get(%q) = %q, %v, %v; want %q", key, v, found, err, want)
		}
	}
	_, at, _, _ := s.(cachecore.ExpiryGetter).GetWithExpiry(ctx, "current")
	if at.UnixNano() != hour {
		t.Errorf("expiry of a goforj record = %v, want %v", at, time.Unix(0, hour))
	}
	if _, at, _, _ := s.(cachecore.ExpiryGetter).GetWithExpiry(ctx, "forever"); !at.IsZero() {
		t.Errorf("expiry 0 read as %v, want none", at)
	}
	for _, key := range []string{"expired", "expired older", "other key"} {
		if v, found, err := s.Get(ctx, key); err != nil || found {
			t.Errorf("Get(%q) = %q, %v, %v; want a miss", key, v, found, err)
		}
		if _, err := os.Stat(goforjName(dir, key)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: file not removed: %v", key, err)
		}
	}
	if n, err := s.Increment(ctx, "counter", 1, time.Hour); err != nil || n != 1 {
		t.Fatalf("Increment = %d, %v", n, err)
	}
	must(t, os.WriteFile(goforjName(dir, "counter"), cfr2("counter", hour, []byte("41")), 0o600))
	if n, err := s.Increment(ctx, "counter", 1, time.Hour); err != nil || n != 42 {
		t.Fatalf("Increment of a goforj counter = %d, %v; want 42", n, err)
	}
	page, err := s.(cachecore.Inspector).ListPage(ctx, cachecore.ListPageOptions{Query: "cu"})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].Key != "current" || page.Entries[0].SizeBytes != 2 {
		t.Fatalf("ListPage of goforj records = %+v, %v", page.Entries, err)
	}
}

// TestFileStoreWritesGoforjRecords parses what the store writes as
// goforj/cache does: the name, then the CFR2 record.
func TestFileStoreWritesGoforjRecords(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := cache.NewFileStoreWithConfig(ctx, cache.StoreConfig{FileDir: dir, BaseConfig: cachecore.BaseConfig{Prefix: "app", DefaultTTL: -1}})
	before := time.Now()
	must(t, s.Set(ctx, "user:1", []byte("ada"), time.Minute))
	must(t, s.Set(ctx, "forever", []byte("x"), 0))
	rec, err := os.ReadFile(goforjName(dir, "app:user:1"))
	must(t, err)
	want := []byte("app:user:1ada")
	if len(rec) != 16+len(want) || string(rec[:4]) != "CFR2" ||
		binary.BigEndian.Uint32(rec[12:]) != uint32(len("app:user:1")) || !bytes.Equal(rec[16:], want) {
		t.Fatalf("record = %q", rec)
	}
	at := time.Unix(0, int64(binary.BigEndian.Uint64(rec[4:])))
	if at.Before(before.Add(time.Minute)) || at.After(time.Now().Add(time.Minute)) {
		t.Fatalf("record expires at %v, want a minute after the write", at)
	}
	rec, err = os.ReadFile(goforjName(dir, "app:forever"))
	must(t, err)
	if binary.BigEndian.Uint64(rec[4:]) != 0 {
		t.Fatalf("entry without expiry recorded expiry %d, want 0", binary.BigEndian.Uint64(rec[4:]))
	}
}

// TestFileStoreSurvivesRemovedLockFiles removes the lock files, as
// goforj/cache's Flush does with every file in the directory, between
// increments.
func TestFileStoreSurvivesRemovedLockFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := cache.NewFileStore(ctx, dir)
	for i := 1; i <= 3; i++ {
		if n, err := s.Increment(ctx, "n", 1, time.Hour); err != nil || n != int64(i) {
			t.Fatalf("Increment %d = %d, %v", i, n, err)
		}
		locks, err := filepath.Glob(filepath.Join(dir, ".cache-lock-*"))
		must(t, err)
		if len(locks) == 0 {
			t.Fatal("no lock file")
		}
		for _, l := range locks {
			must(t, os.Remove(l))
		}
	}
}

// TestFileStoreFlushRemovesLegacyEntries: files of the store's earlier
// format, which it no longer reads, must not stay forever.
func TestFileStoreFlushRemovesLegacyEntries(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sum := sha256.Sum256([]byte("k"))
	legacy := filepath.Join(dir, hex.EncodeToString(sum[:])+".entry")
	must(t, os.WriteFile(legacy, []byte("GCF1"), 0o600))
	must(t, cache.NewFileStore(ctx, dir).Flush(ctx))
	if _, err := os.Stat(legacy); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("legacy entry left by Flush: %v", err)
	}
}
