package cache_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// layered builds a configured file store and an unconfigured one over the
// same directory, through which the test reads and tampers with the bytes
// the configuration layer stored.
func layered(t *testing.T, cfg cachecore.BaseConfig) (configured, raw cachecore.Store) {
	t.Helper()
	dir := t.TempDir()
	raw = cache.NewFileStore(context.Background(), dir)
	configured = cache.NewFileStoreWithConfig(context.Background(), cache.StoreConfig{FileDir: dir, BaseConfig: cfg})
	return configured, raw
}

func TestBadEncryptionKeyFailsEveryOperation(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{1, 15, 17, 31, 33} {
		s := cache.NewMemoryStoreWithConfig(ctx, cache.StoreConfig{BaseConfig: cachecore.BaseConfig{
			EncryptionKey: bytes.Repeat([]byte("k"), n),
		}})
		if err := s.Ready(ctx); !errors.Is(err, cache.ErrEncryptionKey) {
			t.Fatalf("%d-byte key: Ready = %v, want ErrEncryptionKey", n, err)
		}
		if err := s.Set(ctx, "k", []byte("v"), time.Minute); !errors.Is(err, cache.ErrEncryptionKey) {
			t.Fatalf("%d-byte key: Set = %v", n, err)
		}
		if _, _, err := s.Get(ctx, "k"); !errors.Is(err, cache.ErrEncryptionKey) {
			t.Fatalf("%d-byte key: Get = %v", n, err)
		}
		if _, err := s.Increment(ctx, "k", 1, time.Minute); !errors.Is(err, cache.ErrEncryptionKey) {
			t.Fatalf("%d-byte key: Increment = %v", n, err)
		}
	}
}

func TestUnknownCodecFailsEveryOperation(t *testing.T) {
	ctx := context.Background()
	s := cache.NewMemoryStoreWithConfig(ctx, cache.StoreConfig{BaseConfig: cachecore.BaseConfig{Compression: "zstd"}})
	if err := s.Ready(ctx); !errors.Is(err, cache.ErrUnsupportedCodec) {
		t.Fatalf("Ready = %v, want ErrUnsupportedCodec", err)
	}
	if err := s.Set(ctx, "k", []byte("v"), 0); !errors.Is(err, cache.ErrUnsupportedCodec) {
		t.Fatalf("Set = %v, want ErrUnsupportedCodec", err)
	}
}

func TestCiphertextIsBoundToItsKey(t *testing.T) {
	ctx := context.Background()
	s, raw := layered(t, cachecore.BaseConfig{EncryptionKey: testKey, KeyBoundEncryption: true})
	must(t, s.Set(ctx, "alice", []byte("alice's secret"), time.Minute))
	sealed, _, err := raw.Get(ctx, "alice")
	must(t, err)
	if bytes.Contains(sealed, []byte("secret")) {
		t.Fatal("plaintext visible in storage")
	}
	must(t, raw.Set(ctx, "mallory", sealed, time.Minute))
	if _, _, err := s.Get(ctx, "mallory"); !errors.Is(err, cache.ErrDecryptFailed) {
		t.Fatalf("reading a ciphertext copied to another key = %v, want ErrDecryptFailed", err)
	}
	// Two encryptions of one value differ (random nonces).
	must(t, s.Set(ctx, "again", []byte("alice's secret"), time.Minute))
	again, _, _ := raw.Get(ctx, "again")
	if bytes.Equal(sealed, again) {
		t.Fatal("equal plaintexts produced equal ciphertexts")
	}
}

func TestTamperedValuesAreRejected(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		cfg  cachecore.BaseConfig
		want error
	}{
		{"aes", cachecore.BaseConfig{EncryptionKey: testKey}, cache.ErrDecryptFailed},
		{"aes-key-bound", cachecore.BaseConfig{EncryptionKey: testKey, KeyBoundEncryption: true}, cache.ErrDecryptFailed},
		{"gzip", cachecore.BaseConfig{Compression: cache.CompressionGzip}, cache.ErrCorruptCompression},
		{"snappy", cachecore.BaseConfig{Compression: cache.CompressionSnappy}, cache.ErrCorruptCompression},
	}
	value := []byte(strings.Repeat("compressible text ", 100))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, raw := layered(t, tc.cfg)
			must(t, s.Set(ctx, "k", value, time.Minute))
			stored, _, err := raw.Get(ctx, "k")
			must(t, err)
			flipped := bytes.Clone(stored)
			flipped[len(flipped)-1] ^= 1
			for _, bad := range [][]byte{
				stored[:len(stored)/2],                      // truncated
				append(bytes.Clone(stored[:5]), 0xff, 0xfe), // envelope header, garbage body
				flipped, // one bit of the body flipped
			} {
				must(t, raw.Set(ctx, "k", bad, time.Minute))
				if _, _, err := s.Get(ctx, "k"); !errors.Is(err, tc.want) {
					t.Fatalf("Get of %d corrupt bytes = %v, want %v", len(bad), err, tc.want)
				}
			}
		})
	}
}

func TestUnknownCompressionFrame(t *testing.T) {
	ctx := context.Background()
	s, raw := layered(t, cachecore.BaseConfig{Compression: cache.CompressionGzip})
	must(t, raw.Set(ctx, "k", []byte("CMP1z\x01\x02"), time.Minute))
	if _, _, err := s.Get(ctx, "k"); !errors.Is(err, cache.ErrUnsupportedCodec) {
		t.Fatalf("Get of unknown frame = %v, want ErrUnsupportedCodec", err)
	}
}

func TestCompressionShrinksAndSkipsIncompressible(t *testing.T) {
	ctx := context.Background()
	for _, codec := range []cache.CompressionCodec{cache.CompressionGzip, cache.CompressionSnappy} {
		s, raw := layered(t, cachecore.BaseConfig{Compression: codec})
		text := []byte(strings.Repeat("abcdefgh", 1000))
		must(t, s.Set(ctx, "text", text, time.Minute))
		stored, _, _ := raw.Get(ctx, "text")
		if len(stored) >= len(text)/4 {
			t.Errorf("%s: %d bytes stored for %d compressible bytes", codec, len(stored), len(text))
		}
		tiny := []byte("x")
		must(t, s.Set(ctx, "tiny", tiny, time.Minute))
		stored, _, _ = raw.Get(ctx, "tiny")
		if !bytes.Equal(stored, tiny) {
			t.Errorf("%s: tiny value stored as %q, want it unmarked", codec, stored)
		}
		if v, _, err := s.Get(ctx, "tiny"); err != nil || !bytes.Equal(v, tiny) {
			t.Errorf("%s: tiny round trip = %q, %v", codec, v, err)
		}
	}
}

func TestDecompressionIsBoundedByMaxValueBytes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	loose := cache.NewFileStoreWithConfig(ctx, cache.StoreConfig{FileDir: dir, BaseConfig: cachecore.BaseConfig{
		Compression: cache.CompressionGzip,
	}})
	strict := cache.NewFileStoreWithConfig(ctx, cache.StoreConfig{FileDir: dir, BaseConfig: cachecore.BaseConfig{
		Compression: cache.CompressionGzip, MaxValueBytes: 1024,
	}})
	must(t, loose.Set(ctx, "bomb", make([]byte, 1<<20), time.Minute))
	if _, _, err := strict.Get(ctx, "bomb"); !errors.Is(err, cache.ErrValueTooLarge) {
		t.Fatalf("Get of an oversized payload = %v, want ErrValueTooLarge", err)
	}
}

// TestEncryptedCountersRestartTheirExpiry checks that converting a shaped
// counter follows goforj/cache's rule for every increment: ttl > 0 is the
// counter's lifetime from now.
func TestEncryptedCountersRestartTheirExpiry(t *testing.T) {
	ctx := context.Background()
	s := cache.NewMemoryStoreWithConfig(ctx, cache.StoreConfig{BaseConfig: cachecore.BaseConfig{
		EncryptionKey: testKey, Compression: cache.CompressionGzip,
	}})
	must(t, s.Set(ctx, "n", []byte("2"), time.Hour))
	if n, err := s.Increment(ctx, "n", 3, time.Minute); err != nil || n != 5 {
		t.Fatalf("Increment = %d, %v", n, err)
	}
	if d := expiresIn(t, s, "n"); d > time.Minute || d < 59*time.Second {
		t.Fatalf("counter expires in %v, want the 1m of the last Increment", d)
	}
	if v, _, _ := s.Get(ctx, "n"); string(v) != "5" {
		t.Fatalf("counter reads %q", v)
	}
}

func TestPrefixedFlushSparesOtherPrefixes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := cache.NewFileStoreWithConfig(ctx, cache.StoreConfig{FileDir: dir, BaseConfig: cachecore.BaseConfig{Prefix: "a"}})
	b := cache.NewFileStoreWithConfig(ctx, cache.StoreConfig{FileDir: dir, BaseConfig: cachecore.BaseConfig{Prefix: "b"}})
	must(t, a.Set(ctx, "k", []byte("a"), time.Minute))
	must(t, b.Set(ctx, "k", []byte("b"), time.Minute))
	must(t, a.Flush(ctx))
	if _, found, _ := a.Get(ctx, "k"); found {
		t.Fatal("Flush left its own key")
	}
	if v, found, _ := b.Get(ctx, "k"); !found || string(v) != "b" {
		t.Fatal("Flush of prefix a removed prefix b's key")
	}
	page, err := b.(cachecore.Inspector).ListPage(ctx, cachecore.ListPageOptions{})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].Key != "k" {
		t.Fatalf("prefixed listing = %+v, %v; want the unprefixed key", page, err)
	}
}

func TestListPageUnsupported(t *testing.T) {
	c := cache.NewCache(noListStore{cache.NewMemoryStore(context.Background())})
	if _, ok := c.Inspector(); ok {
		t.Fatal("Inspector reported for a store that cannot list")
	}
	if _, err := cache.ListPage(context.Background(), c, cachecore.ListPageOptions{}); !errors.Is(err, cache.ErrInspectorUnsupported) {
		t.Fatalf("ListPage = %v, want ErrInspectorUnsupported", err)
	}
	wrapped := cache.NewCache(cache.NewMemoStore(noListStore{cache.NewMemoryStore(context.Background())}))
	if _, ok := wrapped.Inspector(); ok {
		t.Fatal("memo store claims listing for a store that cannot list")
	}
}

// noListStore hides every optional interface of the store it embeds.
type noListStore struct{ cachecore.Store }
