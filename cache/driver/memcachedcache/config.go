package memcachedcache

import (
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// Defaults New applies to zero fields. DefaultPrefix and DefaultTTL are
// those of goforj/cache's memcached driver, so that a process using either
// finds the other's entries.
const (
	// DefaultAddress is the server used when Config.Addresses is empty.
	DefaultAddress = "127.0.0.1:11211"
	// DefaultPrefix namespaces the keys of a Config without a Prefix:
	// logical key k is stored as "app:k".
	DefaultPrefix = "app"
	// DefaultTTL is the lifetime of entries written without one.
	DefaultTTL = 5 * time.Minute
	// DefaultTimeout bounds connecting, and each operation whose context
	// has no earlier deadline.
	DefaultTimeout = 3 * time.Second
	// DefaultMaxIdleConns is the number of idle connections kept per server.
	DefaultMaxIdleConns = 16
	// DefaultMaxItemBytes is memcached's default item size limit (its -I
	// option).
	DefaultMaxItemBytes = 1 << 20
)

// Config configures New. The zero value talks to DefaultAddress.
type Config struct {
	// BaseConfig shapes keys and values; see cachecore.WrapStore. An empty
	// Prefix means DefaultPrefix and a zero DefaultTTL means DefaultTTL,
	// as in goforj/cache. A Prefix must not contain ":".
	cachecore.BaseConfig

	// Addresses are the servers' host:port. Each key lives on one of them,
	// chosen by CRC-32 of the key modulo their number, as gomemcache's
	// ServerList chooses; every process sharing the entries must list the
	// same servers in the same order.
	Addresses []string

	// Timeout bounds connecting, and each operation whose context has no
	// earlier deadline; zero means DefaultTimeout.
	Timeout time.Duration

	// MaxIdleConns is the number of idle connections kept per server; zero
	// means DefaultMaxIdleConns.
	MaxIdleConns int

	// MaxItemBytes is the servers' item size limit (memcached -I); zero
	// means DefaultMaxItemBytes. A value whose item would exceed it is
	// refused with cachecore.ErrValueTooLarge before it is sent.
	MaxItemBytes int

	// FlushAll lets Flush send flush_all, which empties every server
	// entirely, whatever the prefix. Without it Flush returns
	// cachecore.ErrFlushUnsupported, because memcached cannot list the
	// keys of one prefix.
	FlushAll bool
}

// newStore builds the unshaped store for cfg, applying the defaults of
// the connection fields.
func newStore(cfg Config) *store {
	addrs := cfg.Addresses
	if len(addrs) == 0 {
		addrs = []string{DefaultAddress}
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	idle := cfg.MaxIdleConns
	if idle <= 0 {
		idle = DefaultMaxIdleConns
	}
	limit := cfg.MaxItemBytes
	if limit <= 0 {
		limit = DefaultMaxItemBytes
	}
	return &store{
		client:       newClient(addrs, timeout, timeout, idle),
		maxItemBytes: limit,
		flushAll:     cfg.FlushAll,
	}
}
