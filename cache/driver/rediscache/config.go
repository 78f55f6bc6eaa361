package rediscache

import (
	"context"
	"crypto/tls"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// Defaults New applies to a zero BaseConfig, those of goforj/cache's
// Redis driver, so that a process using either reads the other's entries.
const (
	// DefaultPrefix namespaces the keys of a Config without a Prefix:
	// logical key k is stored as "app:k".
	DefaultPrefix = "app"
	// DefaultTTL is the lifetime of entries written without one.
	DefaultTTL = 5 * time.Minute
)

// ErrNoClient is returned by every operation of a store configured with
// neither Addr nor Client.
var ErrNoClient = errors.New("rediscache: no Redis client: set Config.Addr or Config.Client")

// Client is the part of go-redis's API the store needs, the method set of
// goforj/cache's Client, so that any type written for that driver is
// accepted. *redis.Client, *redis.Ring, *redis.ClusterClient and
// redis.UniversalClient satisfy it, and have every method the store looks
// for beyond it:
//
//   - redis.Scripter, for Increment (INCRBY and PEXPIRE in one script)
//     and CompareAndDelete (GET and DEL in one script). Without it,
//     Increment runs INCRBY and PEXPIRE in a MULTI/EXEC transaction when
//     the client has TxPipelined, or else INCRBY then EXPIRE, as
//     goforj/cache does (the count is still atomic; the lifetime, in whole
//     seconds rounded up, is restarted by a second command), and
//     CompareAndDelete, which cannot be made atomic from Client's
//     methods, returns ErrNoScripting rather than deleting a key another
//     owner may hold by then.
//   - TxPipelined, for GetWithExpiry (GET and PTTL in one transaction):
//     without it the store does not implement cachecore.ExpiryGetter.
//   - Pipelined, for one round trip in DeleteMany, Flush and listing;
//     without it they send one command per key, and listing reports
//     sizes without expiries.
//   - ForEachMaster (*redis.ClusterClient) or ForEachShard (*redis.Ring),
//     so that Flush and listing scan every server rather than the one a
//     keyless SCAN is routed to.
//
// A client the caller builds keeps its own timeouts: set
// ContextTimeoutEnabled in its options so that operations end at their
// context's deadline rather than at ReadTimeout.
type Client interface {
	Ping(ctx context.Context) *redis.StatusCmd
	Get(ctx context.Context, key string) *redis.StringCmd
	Set(ctx context.Context, key string, value any, expiration time.Duration) *redis.StatusCmd
	SetNX(ctx context.Context, key string, value any, expiration time.Duration) *redis.BoolCmd
	IncrBy(ctx context.Context, key string, value int64) *redis.IntCmd
	Expire(ctx context.Context, key string, expiration time.Duration) *redis.BoolCmd
	Del(ctx context.Context, keys ...string) *redis.IntCmd
	Scan(ctx context.Context, cursor uint64, match string, count int64) *redis.ScanCmd
}

// ErrNoScripting is returned by CompareAndDelete (and so by the facade's
// Unlock) when Config.Client does not implement redis.Scripter: deleting
// a key only while it holds an owner's token takes GET and DEL in one
// script, and doing it in two commands could delete the next owner's
// lock.
var ErrNoScripting = errors.New("rediscache: the client does not implement redis.Scripter, which an atomic compare-and-delete needs")

// Config configures New. The zero value of each field works except that
// one of Addr and Client is required.
type Config struct {
	// BaseConfig shapes keys and values; see cachecore.WrapStore. An empty
	// Prefix means DefaultPrefix and a zero DefaultTTL means DefaultTTL,
	// as in goforj/cache. A Prefix must not contain ":".
	cachecore.BaseConfig

	// Addr is the server's host:port, used when Client is nil.
	Addr string
	// Username and Password authenticate with ACLs or requirepass.
	Username string
	Password string
	// DB selects the logical database.
	DB int
	// TLSConfig, when set, makes the connection use TLS.
	TLSConfig *tls.Config

	// Client, when set, is used instead of a client built from the fields
	// above, which are then ignored; the store does not close it.
	Client Client
}

// newClient builds the client for cfg.Addr. ContextTimeoutEnabled makes
// every command end at its context's deadline, which is what lets callers
// bound an operation against a hung server.
func newClient(cfg Config) *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr:                  cfg.Addr,
		Username:              cfg.Username,
		Password:              cfg.Password,
		DB:                    cfg.DB,
		TLSConfig:             cfg.TLSConfig,
		ContextTimeoutEnabled: true,
	})
}
