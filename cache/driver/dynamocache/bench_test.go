package dynamocache

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// The benchmarks compare Get and Set through the facade with the same
// call on the DynamoDB client, GetItem and PutItem (see
// drivertest.BenchmarkGet).

func BenchmarkGet(b *testing.B) {
	client := testClient(b, serverEndpoint(b))
	ns := drivertest.Namespace(b)
	b.Cleanup(func() { newStore(client, testTable).FlushPrefix(context.Background(), ns) })
	raw := storedKey(ns, "k")
	drivertest.BenchmarkGet(b, cache.NewCache(newTestStore(b, client, ns)), "k", func(ctx context.Context) error {
		in := &dynamodb.GetItemInput{TableName: aws.String(testTable), Key: keyAttr(raw), ConsistentRead: aws.Bool(true)}
		_, err := client.GetItem(ctx, in)
		return err
	})
}

func BenchmarkSet(b *testing.B) {
	client := testClient(b, serverEndpoint(b))
	ns := drivertest.Namespace(b)
	b.Cleanup(func() { newStore(client, testTable).FlushPrefix(context.Background(), ns) })
	raw := storedKey(ns, "k")
	drivertest.BenchmarkSet(b, cache.NewCache(newTestStore(b, client, ns)), "k", func(ctx context.Context, value []byte) error {
		in := &dynamodb.PutItemInput{TableName: aws.String(testTable), Item: item(raw, value, cachecore.ExpiresAtMilli(time.Now(), time.Minute))}
		_, err := client.PutItem(ctx, in)
		return err
	})
}
