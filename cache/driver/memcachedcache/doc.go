// Package memcachedcache is a cachecore.Store on one or more memcached
// servers (1.6 or later), for the cache facade: build one with New and
// pass it to cache.NewCache.
//
// Its Config and New have the shape of goforj/cache's memcached driver,
// with the same key layout (Prefix + ":" + key, Prefix "app" and a 5
// minute DefaultTTL when unset). It speaks memcached's meta protocol over
// its own connections, so that every operation ends at its context's
// deadline or cancellation.
//
// What must hold across processes holds on the server:
//
//   - Add is a set in add mode (ms ... ME), so one caller wins;
//   - Increment and Decrement read the counter with its CAS value and
//     write the new value only if that is unchanged, retrying otherwise,
//     so every increment counts. Counters are int64 and may go negative,
//     unlike memcached's own incr and decr; overflow and non-numbers are
//     refused. A positive ttl restarts the counter's lifetime, as
//     goforj/cache's drivers do;
//   - releasing a lock deletes the key with the CAS value of the read that
//     found the owner's token (md ... C<cas>), so a late release cannot
//     delete the next holder's lock;
//   - expiry is the server's, in whole seconds: a ttl is rounded up to the
//     next second; beyond 30 days it is sent as an absolute time, which
//     memcached caps at 2038 (its 32-bit time), so "forever" means that.
//
// memcached cannot list keys, so the store has no Inspector, and Flush,
// which could only empty the whole server, returns
// cachecore.ErrFlushUnsupported unless Config.FlushAll allows that.
//
// Keys memcached would refuse (longer than 250 bytes, or with whitespace
// or control characters) are stored under "#sha256:" and the key's SHA-256
// in hex, as are keys that already start with that marker, so that every
// key addresses its own entry only. A value whose item would exceed the
// server's item size (Config.MaxItemBytes, 1 MiB by default) is refused
// with cachecore.ErrValueTooLarge before it is sent.
package memcachedcache
