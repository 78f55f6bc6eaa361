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
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
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

// constructor describes New on the test table to drivertest's checks.
func constructor(t *testing.T) drivertest.Constructor {
	client := testClient(t, serverEndpoint(t))
	raw := newStore(client, testTable)
	return drivertest.Constructor{
		New: func(t *testing.T, base cachecore.BaseConfig) (cachecore.Store, error) {
			return New(context.Background(), Config{Client: client, Table: testTable, BaseConfig: base})
		},
		Forget:     func(ns string) { raw.FlushPrefix(context.Background(), ns) },
		DefaultTTL: shortDefaultTTL,
		Options:    cachetest.Options{TTL: contractTTL, LargeValueBytes: 300 << 10},
		PutOutside: func(t *testing.T, key string) {
			if err := raw.Set(context.Background(), key, []byte("v"), time.Minute); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { raw.Delete(context.Background(), key) })
		},
		HasOutside: func(ctx context.Context, key string) (bool, error) {
			_, found, err := raw.Get(ctx, key)
			return found, err
		},
	}
}

func TestStoreContract(t *testing.T)       { drivertest.StoreContract(t, constructor(t)) }
func TestStoreContractShaped(t *testing.T) { drivertest.StoreContractShaped(t, constructor(t)) }
func TestInspectorContract(t *testing.T)   { drivertest.InspectorContract(t, constructor(t)) }

// TestFlushLeavesOtherPrefixes also requires the table to survive Flush.
func TestFlushLeavesOtherPrefixes(t *testing.T) {
	drivertest.FlushLeavesOtherPrefixes(t, constructor(t))
	if err := newStore(testClient(t, serverEndpoint(t)), testTable).Ready(context.Background()); err != nil {
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
	k := drivertest.Namespace(t)
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
	table := "t" + drivertest.Namespace(t)
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
