package rediscache

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// The optional parts of a client, looked for by type assertion once, when
// the store is built; see Client for what each one is for.
type (
	pipeliner interface {
		Pipelined(ctx context.Context, fn func(redis.Pipeliner) error) ([]redis.Cmder, error)
	}
	txPipeliner interface {
		TxPipelined(ctx context.Context, fn func(redis.Pipeliner) error) ([]redis.Cmder, error)
	}
	masterWalker interface {
		ForEachMaster(ctx context.Context, fn func(ctx context.Context, client *redis.Client) error) error
	}
	shardWalker interface {
		ForEachShard(ctx context.Context, fn func(ctx context.Context, client *redis.Client) error) error
	}
)

// nodes calls fn with each server of client that holds keys: every
// master of a cluster, every shard of a ring, else client itself. The
// calls may run concurrently.
func nodes(ctx context.Context, client Client, fn func(ctx context.Context, node Client) error) error {
	walk := func(ctx context.Context, n *redis.Client) error { return fn(ctx, n) }
	switch c := client.(type) {
	case masterWalker:
		return c.ForEachMaster(ctx, walk)
	case shardWalker:
		return c.ForEachShard(ctx, walk)
	}
	return fn(ctx, client)
}

// deleteKeys deletes keys on client one DEL per key, pipelined when the
// client can, because a Redis Cluster refuses a DEL whose keys live in
// different slots; the pipeline is still one round trip per node.
func deleteKeys(ctx context.Context, client Client, keys []string) error {
	if p, ok := client.(pipeliner); ok {
		_, err := p.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys {
				p.Del(ctx, k)
			}
			return nil
		})
		return err
	}
	for _, k := range keys {
		if err := client.Del(ctx, k).Err(); err != nil {
			return err
		}
	}
	return nil
}
