package dynamocache

import (
	"context"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// testTable is the table the tests use, away from the default one,
// because the raw store's Flush empties the whole table.
const testTable = "groupcache_test"

// serverEndpoint returns the DynamoDB endpoint URL (DYNAMODB_ENDPOINT,
// default http://127.0.0.1:8000) or skips the test.
func serverEndpoint(t testing.TB) string {
	t.Helper()
	endpoint := os.Getenv("DYNAMODB_ENDPOINT")
	if endpoint == "" {
		endpoint = "http://127.0.0.1:8000"
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		t.Fatalf("DYNAMODB_ENDPOINT %q is not a URL: %v", endpoint, err)
	}
	addr := drivertest.Server(t, "DYNAMODB_ADDR", u.Host, "npm install -g dynalite@4.0.0 && dynalite --port 8000 --host 127.0.0.1")
	return u.Scheme + "://" + addr
}

// testClient returns a client of its own to endpoint, with the test table
// in place.
func testClient(t testing.TB, endpoint string) *dynamodb.Client {
	t.Helper()
	c := newClient(Config{Endpoint: endpoint})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := ensureTable(ctx, c, testTable); err != nil {
		t.Fatalf("table %s at %s: %v", testTable, endpoint, err)
	}
	return c
}

// newTestStore is the store the facade tests use: New with the prefix ns.
func newTestStore(t testing.TB, client DynamoAPI, ns string) cachecore.Store {
	t.Helper()
	s, err := New(context.Background(), Config{Client: client, Table: testTable, BaseConfig: cachecore.BaseConfig{Prefix: ns}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// storedKey is the key the table holds for key of a store from
// newTestStore.
func storedKey(ns, key string) string { return ns + cachecore.PrefixSeparator + key }

// putInput writes key's item directly, with expiry ea.
func putInput(s *store, key string, value []byte, ea int64) *dynamodb.PutItemInput {
	return &dynamodb.PutItemInput{TableName: s.table, Item: item(key, value, ea)}
}
