package dynamocache

import (
	"context"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
)

// The benchmarks compare the same call through the facade and on the raw
// DynamoDB client (GetItem, PutItem) against the same server, so the difference is what the
// facade and store add.

func BenchmarkGet(b *testing.B) {
	client := testClient(b, serverEndpoint(b))
	ns := namespace(b)
	c := cache.NewCache(newTestStore(b, client, ns))
	ctx := context.Background()
	value := make([]byte, 128)
	if err := c.SetBytes(ns+":k", value, time.Minute); err != nil {
		b.Fatal(err)
	}
	raw := storedKey(ns, ns+":k")
	b.Cleanup(func() { newStore(client, testTable).FlushPrefix(ctx, ns) })
	b.Run("facade", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok, err := c.GetBytes(ns + ":k"); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(testTable), Key: keyAttr(raw), ConsistentRead: aws.Bool(true)}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSet(b *testing.B) {
	client := testClient(b, serverEndpoint(b))
	ns := namespace(b)
	c := cache.NewCache(newTestStore(b, client, ns))
	ctx := context.Background()
	value := make([]byte, 128)
	raw := storedKey(ns, ns+":k")
	b.Cleanup(func() { newStore(client, testTable).FlushPrefix(ctx, ns) })
	b.Run("facade", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := c.SetBytes(ns+":k", value, time.Minute); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(testTable), Item: item(raw, value, expiresAt(time.Now(), time.Minute))}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
