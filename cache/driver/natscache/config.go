package natscache

import (
	"errors"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// Defaults New applies to a zero BaseConfig, those of goforj/cache's NATS
// driver, so that a process using either reads the other's entries.
const (
	// DefaultPrefix namespaces the keys of a Config without a Prefix.
	DefaultPrefix = "app"
	// DefaultTTL is the lifetime of entries written without one.
	DefaultTTL = 5 * time.Minute
)

// ErrNoKeyValue is returned by every operation of a store configured
// with neither a Bucket nor a KeyValue.
var ErrNoKeyValue = errors.New("natscache: no key/value bucket: set Config.Bucket or Config.KeyValue")

// ErrContended is returned by Add and Increment when other writers changed
// the entry between every one of maxAttempts reads and the conditional
// write that followed; nothing was written.
var ErrContended = errors.New("natscache: entry changed by other writers on every attempt")

// Config configures New. The zero value of each field works except that
// one of Bucket and KeyValue is required. A Config written for
// goforj/cache's NATS driver, with its KeyValue, works unchanged.
type Config struct {
	// BaseConfig shapes keys and values; see cachecore.WrapStore. An empty
	// Prefix means DefaultPrefix and a zero DefaultTTL means DefaultTTL,
	// as in goforj/cache. Any Prefix is allowed: it is encoded into the
	// key as goforj/cache does (see doc.go), not joined with ":".
	cachecore.BaseConfig

	// Bucket is the JetStream key/value bucket the entries live in, from
	// the jetstream package. It wins over KeyValue when both are set,
	// because its calls take the operation's context, so that each one
	// ends at the context's deadline and stops waiting on the server. The
	// store does not close its connection. Build the connection with
	// nats.MaxReconnects(-1) so that it keeps reconnecting after an
	// outage, and the same store works again once the server answers.
	Bucket jetstream.KeyValue

	// KeyValue is the bucket through the nats package's older API, as
	// goforj/cache's Config takes it; it is used when Bucket is nil. Its
	// calls take no context: the store still returns at the context's
	// deadline, but the call it gave up on runs on in the background until
	// the JetStream context's own timeout (nats.MaxWait, 5 seconds by
	// default), so keep that short; a write given up on that way may
	// still take effect, as any write whose answer was lost may.
	KeyValue KeyValue

	// BucketTTL stores values bare and leaves expiry to the bucket's own
	// TTL (its MaxAge), ignoring per-entry lifetimes, as goforj/cache's
	// option of that name does. When false, each value carries its expiry
	// in an envelope and expired entries are never returned.
	BucketTTL bool
}
