package natscache

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// The nats package's own KeyValue is what goforj/cache users pass.
var _ KeyValue = nats.KeyValue(nil)

// testLegacyKV returns the test bucket through the nats package's older
// KeyValue API, on a connection of its own to addr closed with the test.
// Its requests give up after two seconds, so that calls the store stopped
// waiting for at a deadline end soon after.
func testLegacyKV(t testing.TB, addr string) nats.KeyValue {
	t.Helper()
	testKV(t, addr) // creates the bucket
	nc, err := nats.Connect("nats://"+addr, nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatalf("connect %s: %v", addr, err)
	}
	t.Cleanup(nc.Close)
	js, err := nc.JetStream(nats.MaxWait(2 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	kv, err := js.KeyValue(testBucket)
	if err != nil {
		t.Fatalf("bucket %s: %v", testBucket, err)
	}
	return kv
}

func TestLegacyKeyValueStoreContract(t *testing.T) {
	addr := serverAddr(t)
	ns := drivertest.Namespace(t)
	flushed(t, testKV(t, addr), ns)
	s := New(Config{KeyValue: testLegacyKV(t, addr), BaseConfig: cachecore.BaseConfig{Prefix: ns, DefaultTTL: shortDefaultTTL}})
	cachetest.RunStoreContract(t, s, cachetest.Options{DefaultTTL: shortDefaultTTL, LargeValueBytes: largeValue})
}

func TestLegacyKeyValueInspectorContract(t *testing.T) {
	addr := serverAddr(t)
	ns := drivertest.Namespace(t)
	flushed(t, testKV(t, addr), ns)
	cachetest.RunInspectorContract(t, New(Config{KeyValue: testLegacyKV(t, addr), BaseConfig: cachecore.BaseConfig{Prefix: ns}}))
}

// TestBucketWinsOverKeyValue gives both fields, KeyValue one that fails
// every call: the store must work, through Bucket.
func TestBucketWinsOverKeyValue(t *testing.T) {
	addr := serverAddr(t)
	ns := drivertest.Namespace(t)
	kv := testKV(t, addr)
	flushed(t, kv, ns)
	legacy := testLegacyKV(t, addr)
	s := New(Config{Bucket: kv, KeyValue: closedKeyValue{legacy}, BaseConfig: cachecore.BaseConfig{Prefix: ns}})
	ctx := context.Background()
	if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatalf("Set with both fields: %v (KeyValue used?)", err)
	}
	if v, found, err := s.Get(ctx, "k"); err != nil || !found || string(v) != "v" {
		t.Fatalf("Get = %q, %v, %v", v, found, err)
	}
}

// closedKeyValue fails every call, standing for a KeyValue that must not
// be used.
type closedKeyValue struct{ KeyValue }

var errClosedKeyValue = fmt.Errorf("KeyValue used although Bucket is set")

func (closedKeyValue) Get(string) (nats.KeyValueEntry, error) { return nil, errClosedKeyValue }
func (closedKeyValue) Put(string, []byte) (uint64, error)     { return 0, errClosedKeyValue }

func TestLegacyKeyValueFaultsEndAtDeadlineAndRecover(t *testing.T) {
	addr := serverAddr(t)
	proxy := drivertest.NewProxy(t, addr)
	k := drivertest.Namespace(t)
	flushed(t, testKV(t, addr), k)
	s := newStore(legacyBucket{testLegacyKV(t, proxy.Addr())}, k, false)
	drivertest.RunFaults(t, proxy, s, k)
}

// legacyAtomicConfig is atomicConfig with every Cache on the older API.
func legacyAtomicConfig(ns string) drivertest.AtomicConfig {
	cfg := atomicConfig(ns)
	cfg.ChildTest, cfg.EnvVar = "TestLegacyKeyValueAtomicChild", "NTC_LEGACY_NS"
	cfg.NewCache = func(t testing.TB, ns string) *cache.Cache {
		kv := testLegacyKV(t, serverAddr(t))
		return cache.NewCache(New(Config{KeyValue: kv, BaseConfig: cachecore.BaseConfig{Prefix: ns}}))
	}
	return cfg
}

func TestLegacyKeyValueAtomicAcrossProcesses(t *testing.T) {
	if drivertest.IsChild() {
		t.Skip("parent only")
	}
	ns := drivertest.Namespace(t)
	flushed(t, testKV(t, serverAddr(t)), ns)
	drivertest.RunAtomic(t, legacyAtomicConfig(ns))
}

// TestLegacyKeyValueAtomicChild is the child's half of
// TestLegacyKeyValueAtomicAcrossProcesses.
func TestLegacyKeyValueAtomicChild(t *testing.T) {
	drivertest.AtomicChild(t, legacyAtomicConfig(""))
}

// goforjJSON is an entry as goforj/cache's first NATS store wrote it.
func goforjJSON(value string, expiresAt time.Time) []byte {
	return fmt.Appendf(nil, `{"m":"cache-v1","v":%q,"ea":%d}`,
		base64.StdEncoding.EncodeToString([]byte(value)), expiresAt.UnixMilli())
}

// goforjBinary is an entry as goforj/cache's later NATS stores write it.
func goforjBinary(value string, expiresAt time.Time) []byte {
	b := binary.BigEndian.AppendUint64([]byte("NCV1"), uint64(expiresAt.UnixMilli()))
	return append(b, value...)
}

// TestReadsEntriesGoforjWrote stores, with the raw client, the bytes each
// version of goforj/cache writes, and reads them through both APIs.
func TestReadsEntriesGoforjWrote(t *testing.T) {
	addr := serverAddr(t)
	kv := testKV(t, addr)
	ns := drivertest.Namespace(t)
	flushed(t, kv, ns)
	ctx := context.Background()
	later, earlier := time.Now().Add(time.Minute), time.Now().Add(-time.Second)
	stored := map[string][]byte{
		"json":         goforjJSON("from json", later),
		"json-expired": goforjJSON("gone", earlier),
		"binary":       goforjBinary("from binary", later),
		"bin-expired":  goforjBinary("gone", earlier),
		"bare":         []byte("bare value"),
		"other-json":   []byte(`{"m":"other","v":"eA=="}`),
	}
	want := map[string]string{
		"json": "from json", "binary": "from binary", "bare": "bare value",
		"other-json": `{"m":"other","v":"eA=="}`,
	}
	for name, s := range map[string]*store{
		"jetstream": newStore(jsBucket{kv}, ns, false),
		"legacy":    newStore(legacyBucket{testLegacyKV(t, addr)}, ns, false),
	} {
		for k, b := range stored {
			if _, err := kv.Put(ctx, s.key(k), b); err != nil {
				t.Fatal(err)
			}
			v, found, err := s.Get(ctx, k)
			if err != nil {
				t.Fatalf("%s: Get(%s): %v", name, k, err)
			}
			w, live := want[k]
			if found != live || string(v) != w {
				t.Errorf("%s: Get(%s) = %q, %v; want %q, %v", name, k, v, found, w, live)
			}
		}
		// A counter goforj wrote counts on.
		if _, err := kv.Put(ctx, s.key("n"), goforjJSON("41", later)); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Increment(ctx, "n", 1, 0); err != nil || n != 42 {
			t.Errorf("%s: Increment of goforj's counter = %d, %v; want 42", name, n, err)
		}
	}
}

// TestWritesWhatGoforjReads decodes what the store wrote the way
// goforj/cache's NATS store does: "NCV1", the expiry in Unix
// milliseconds, then the value.
func TestWritesWhatGoforjReads(t *testing.T) {
	addr := serverAddr(t)
	kv := testKV(t, addr)
	ns := drivertest.Namespace(t)
	flushed(t, kv, ns)
	ctx := context.Background()
	for name, cfg := range map[string]Config{"jetstream": {Bucket: kv}, "legacy": {KeyValue: testLegacyKV(t, addr)}} {
		cfg.Prefix = ns
		s := New(cfg)
		before := time.Now()
		if err := s.Set(ctx, name, []byte("value"), time.Minute); err != nil {
			t.Fatal(err)
		}
		e, err := kv.Get(ctx, keyPrefix(ns)+encodePart(name))
		if err != nil {
			t.Fatal(err)
		}
		b := e.Value()
		if len(b) < 12 || string(b[:4]) != "NCV1" || string(b[12:]) != "value" {
			t.Fatalf("%s: stored %q, want NCV1, expiry, value", name, b)
		}
		exp := time.UnixMilli(int64(binary.BigEndian.Uint64(b[4:12])))
		if exp.Before(before.Add(time.Minute)) || exp.After(time.Now().Add(time.Minute+time.Millisecond)) {
			t.Fatalf("%s: stored expiry %v, want a minute after the write", name, exp)
		}
	}
}
