package dynamocache

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
)

// shortDefaultTTL keeps the contract's wait for default-TTL entries short.
const shortDefaultTTL = 600 * time.Millisecond

func newConfigured(t *testing.T, cfg Config) cachecore.Store {
	t.Helper()
	s, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStoreContract(t *testing.T) {
	client := testClient(t, serverEndpoint(t))
	ns := namespace(t)
	s := newConfigured(t, Config{Client: client, Table: testTable, BaseConfig: cachecore.BaseConfig{Prefix: ns, DefaultTTL: shortDefaultTTL}})
	t.Cleanup(func() { newStore(client, testTable).FlushPrefix(context.Background(), ns) })
	cachetest.RunStoreContract(t, s, cachetest.Options{TTL: contractTTL, DefaultTTL: shortDefaultTTL, LargeValueBytes: 300 << 10})
}

func TestStoreContractShaped(t *testing.T) {
	client := testClient(t, serverEndpoint(t))
	ns := namespace(t)
	s := newConfigured(t, Config{Client: client, Table: testTable, BaseConfig: cachecore.BaseConfig{
		Prefix: ns, DefaultTTL: shortDefaultTTL, MaxValueBytes: 4096,
		Compression: cachecore.CompressionGzip, EncryptionKey: make([]byte, 32),
	}})
	t.Cleanup(func() { newStore(client, testTable).FlushPrefix(context.Background(), ns) })
	cachetest.RunStoreContract(t, s, cachetest.Options{TTL: contractTTL, DefaultTTL: shortDefaultTTL, MaxValueBytes: 4096})
}

// TestFlushLeavesOtherPrefixes shares a table between two prefixes, one
// the start of the other, and an item outside both.
func TestFlushLeavesOtherPrefixes(t *testing.T) {
	client := testClient(t, serverEndpoint(t))
	ctx := context.Background()
	ns := namespace(t)
	raw := newStore(client, testTable)
	mine := newConfigured(t, Config{Client: client, Table: testTable, BaseConfig: cachecore.BaseConfig{Prefix: ns}})
	longer := newConfigured(t, Config{Client: client, Table: testTable, BaseConfig: cachecore.BaseConfig{Prefix: ns + "x"}})
	t.Cleanup(func() { raw.FlushPrefix(ctx, ns) })
	for _, s := range []cachecore.Store{mine, longer} {
		if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if err := raw.Set(ctx, ns+"-bare", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := mine.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := mine.Get(ctx, "k"); found {
		t.Fatal("Flush left its own key")
	}
	if _, found, err := longer.Get(ctx, "k"); err != nil || !found {
		t.Fatalf("Flush of prefix %q removed prefix %q's key (%v)", ns, ns+"x", err)
	}
	if _, found, _ := raw.Get(ctx, ns+"-bare"); !found {
		t.Fatal("Flush removed a key outside its prefix")
	}
	if err := raw.Ready(ctx); err != nil {
		t.Fatalf("the table is gone after Flush: %v", err)
	}
}

// TestNewDefaultsAreGoforjs checks the stored item of a zero Config: key
// under prefix app, expiry DefaultTTL away, in table DefaultTable, which
// New creates.
func TestNewDefaultsAreGoforjs(t *testing.T) {
	client := testClient(t, serverEndpoint(t))
	ctx := context.Background()
	s := newConfigured(t, Config{Client: client})
	k := namespace(t)
	before := time.Now()
	if err := s.Set(ctx, k, []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	raw := newStore(client, DefaultTable)
	t.Cleanup(func() { raw.Delete(ctx, "app:"+k) })
	out, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(DefaultTable), Key: keyAttr("app:" + k)})
	if err != nil || out.Item == nil {
		t.Fatalf("no item app:%s in %s (%v)", k, DefaultTable, err)
	}
	ea := time.UnixMilli(expiry(out.Item))
	if ea.Before(before.Add(DefaultTTL)) || ea.After(time.Now().Add(DefaultTTL+time.Second)) {
		t.Fatalf("app:%s expires at %v, want DefaultTTL %v from now", k, ea, DefaultTTL)
	}
	if v, ok := out.Item[attrValue].(*types.AttributeValueMemberB); !ok || string(v.Value) != "v" {
		t.Fatalf("item %v: want v binary \"v\"", out.Item)
	}
}

func TestNewCreatesMissingTable(t *testing.T) {
	client := testClient(t, serverEndpoint(t))
	ctx := context.Background()
	table := "t" + namespace(t)
	t.Cleanup(func() { client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(table)}) })
	s := newConfigured(t, Config{Client: client, Table: table})
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("Ready on the table New created: %v", err)
	}
}

func TestNewWithBadConfigFailsClosed(t *testing.T) {
	s, err := New(context.Background(), Config{Endpoint: "http://127.0.0.1:1", BaseConfig: cachecore.BaseConfig{EncryptionKey: []byte("short")}})
	if !errors.Is(err, cachecore.ErrEncryptionKey) || s != nil {
		t.Fatalf("New = %v, %v; want nil, ErrEncryptionKey", s, err)
	}
}

func TestNewWithoutServerFails(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s, err := New(ctx, Config{Endpoint: "http://127.0.0.1:1"})
	if err == nil || s != nil {
		t.Fatalf("New with no server = %v, %v; want an error", s, err)
	}
}

func TestDriverIsDynamo(t *testing.T) {
	if d := newStore(nil, testTable).Driver(); d != cachecore.DriverDynamo {
		t.Fatalf("Driver = %q", d)
	}
}

func TestInspectorContract(t *testing.T) {
	client := testClient(t, serverEndpoint(t))
	ns := namespace(t)
	t.Cleanup(func() { newStore(client, testTable).FlushPrefix(context.Background(), ns) })
	cachetest.RunInspectorContract(t, newConfigured(t, Config{Client: client, Table: testTable, BaseConfig: cachecore.BaseConfig{Prefix: ns}}))
}
