package cache_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// entryFiles lists the names of the entry files in dir.
func entryFiles(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	must(t, err)
	var names []string
	for _, de := range des {
		if strings.HasSuffix(de.Name(), ".cache") {
			names = append(names, de.Name())
		}
	}
	return names
}

// TestFileStoreSweepsUnreadExpiredEntries writes entries that expire and
// are never read again, as RateLimit does with one key per window. They
// used to stay on disk forever.
func TestFileStoreSweepsUnreadExpiredEntries(t *testing.T) {
	dir := t.TempDir()
	c := cache.NewCache(cache.NewFileStoreWithConfig(t.Context(), cache.StoreConfig{
		FileDir: dir, FileCleanupInterval: 5 * time.Millisecond,
	}))
	for i := range 20 {
		if _, err := c.RateLimit("user"+strconv.Itoa(i), 10, 10*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	must(t, c.SetString("kept", "v", time.Hour))
	foreign := filepath.Join(dir, "README")
	must(t, os.WriteFile(foreign, nil, 0o600))
	deadline := time.Now().Add(5 * time.Second)
	for len(entryFiles(t, dir)) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d entry files left; want only the unexpired one", len(entryFiles(t, dir)))
		}
		time.Sleep(5 * time.Millisecond)
	}
	if v, found, err := c.GetString("kept"); err != nil || !found || v != "v" {
		t.Fatalf("the sweeper took a live entry: %q, %v, %v", v, found, err)
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Fatalf("the sweeper removed a foreign file: %v", err)
	}
}

// TestPrefixedFlushRemovesExpiredEntries: a prefixed Flush used to remove
// only the entries a listing reports, which leaves out expired ones, so
// their files stayed behind.
func TestPrefixedFlushRemovesExpiredEntries(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := cache.NewFileStoreWithConfig(ctx, cache.StoreConfig{FileDir: dir, BaseConfig: cachecore.BaseConfig{Prefix: "p"}})
	must(t, s.Set(ctx, "expiring", []byte("v"), time.Millisecond))
	must(t, s.Set(ctx, "live", []byte("v"), time.Hour))
	time.Sleep(5 * time.Millisecond)
	must(t, s.Flush(ctx))
	if names := entryFiles(t, dir); len(names) != 0 {
		t.Fatalf("prefixed Flush left %d entry files", len(names))
	}
}

// TestDroppedFileStoreStopsSweeper drops 100 file stores built with a
// context that never ends; their sweepers must exit with them.
func TestDroppedFileStoreStopsSweeper(t *testing.T) {
	const stores = 100
	before := runtime.NumGoroutine()
	func() {
		for range stores {
			s := cache.NewFileStore(context.Background(), t.TempDir())
			must(t, s.Ready(context.Background()))
		}
	}()
	var n int
	for range 100 {
		runtime.GC()
		if n = runtime.NumGoroutine(); n < before+stores/10 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%d goroutines after dropping %d file stores, %d before", n, stores, before)
}
