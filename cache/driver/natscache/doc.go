// Package natscache is a cachecore.Store on a NATS JetStream key/value
// bucket, for the cache facade: build one with New and pass it to
// cache.NewCache.
//
// Its Config and New have the shape of goforj/cache's NATS driver, and it
// stores the same bytes under the same keys, so processes using either
// can share a bucket:
//
//   - logical key k of prefix p is the KV key "p." + b64(p) + ".k." +
//     b64(k), b64 being unpadded base64url and an empty part "_", because
//     KV keys allow only a few characters;
//   - unless BucketTTL is set, a value is stored as "NCV1", the expiry as
//     a big-endian uint64 of Unix milliseconds (0: none), then the value;
//     the JSON envelope of goforj/cache's first version,
//     {"m":"cache-v1","v":base64 value,"ea":Unix milliseconds}, is read
//     too, and values in neither are read as they are.
//
// Config takes the bucket either as goforj/cache does, through the nats
// package's older KeyValue API, or through the jetstream package's, whose
// calls take contexts; see Config.Bucket for which one wins.
//
// Everything that must hold across processes holds on the server, through
// JetStream's compare-and-set on a key's last revision, whichever API:
//
//   - Add is Create, which fails when the key exists; an entry that is
//     present but expired is replaced with Update on its revision;
//   - Increment and Decrement read the counter and write it back with
//     Update on the revision read, retrying when another writer got there
//     first (bounded; then ErrContended), so every increment counts; a
//     positive ttl restarts the counter's lifetime, as goforj/cache's
//     drivers do, and a non-number or int64 overflow changes nothing;
//   - releasing a lock deletes the key only at the revision that held the
//     releasing owner's token;
//   - Flush deletes only the keys under the Prefix, listed with a subject
//     filter, and nothing else in the bucket.
//
// The store implements cachecore.Inspector by listing the prefix's keys
// with the same filter and reading each entry of a page, with its size and
// (unless BucketTTL) expiry. Operations end at their context's deadline.
// After an outage the same store works again once the connection has
// reconnected (see Config.Bucket).
package natscache
