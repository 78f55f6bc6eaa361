// Package dynamocache is a cachecore.Store on an Amazon DynamoDB table (or
// a DynamoDB-compatible server), for the cache facade: build one with New
// and pass it to cache.NewCache.
//
// Its Config and New have the shape of goforj/cache's DynamoDB driver,
// and it writes the same items to the same table (attribute "k", a
// string, holds Prefix + ":" + key; "v", binary, the value; "ea", a
// number, the expiry in Unix milliseconds, absent for none; Prefix "app",
// table "cache_entries" and a 5 minute DefaultTTL when unset), so
// processes using either can share a table.
//
// Everything that must hold across processes holds on the server:
//
//   - Add is a PutItem conditional on the key being absent or expired, so
//     one caller wins;
//   - Increment and Decrement read the counter and write the new value
//     with a PutItem conditional on the item being unchanged since the
//     read, retrying when another writer came first, so every increment
//     counts; the value stays decimal text in "v", as goforj/cache reads
//     it, and a positive ttl restarts the counter's lifetime;
//   - releasing a lock is a DeleteItem conditional on "v" holding the
//     releasing owner's token;
//   - DynamoDB removes expired items late or never (its own TTL is not
//     used), so every read checks "ea" and never returns an expired item;
//   - Flush deletes the items whose key starts with the Prefix, found
//     with a Scan, and nothing else: never the table.
//
// The store implements cachecore.Inspector by Scan, with sizes and
// expiries, and cachecore.ExpiryGetter. Operations end at their
// context's deadline; the client New builds
// retries little so a failing server is reported rather than waited for.
// After the server comes back, the same store works again.
package dynamocache
