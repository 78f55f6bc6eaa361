// Package rediscache is a cachecore.Store on a Redis server, for the
// cache facade: build one with New and pass it to cache.NewCache.
//
// Its Config and New have the shape of goforj/cache's Redis driver, and
// it stores the same bytes under the same keys (Prefix + ":" + key, with
// Prefix "app" and a 5 minute DefaultTTL when unset), so processes using
// either can share a server. Config.Client takes goforj/cache's Client
// method set, so a wrapper written for that driver is accepted; the store
// reaches for scripts, transactions and pipelines by type assertion (see
// Client for what it does without them).
//
// Everything that must hold across processes holds on the server:
//
//   - Add is SET NX with the expiry, so one caller wins;
//   - Increment and Decrement are one Lua script of INCRBY and, for a
//     positive ttl, PEXPIRE: every increment counts, a positive ttl
//     restarts the counter's lifetime as goforj/cache's drivers do, and a
//     non-number or int64 overflow is refused by the server without
//     changing the value or its lifetime;
//   - releasing a lock is a Lua script that deletes the key only while it
//     holds the releasing owner's token;
//   - expiry is the server's (PX, in milliseconds);
//   - Flush deletes the keys under the Prefix, found with SCAN MATCH on
//     every master of a Redis Cluster (every shard of a Ring), and nothing
//     else: never FLUSHDB or FLUSHALL.
//
// The store implements cachecore.Inspector by SCAN, with sizes (STRLEN)
// and expiries (PTTL), and cachecore.ExpiryGetter by GET and PEXPIRETIME
// in one MULTI/EXEC round trip. Operations end at their context's deadline: the
// client New builds enables go-redis's ContextTimeoutEnabled, and one
// passed in Config.Client should too. After the server restarts, the same
// store works again once it answers.
package rediscache
