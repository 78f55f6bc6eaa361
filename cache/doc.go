// Package cache is a typed caching facade over pluggable byte stores.
//
// A cachecore.Store holds bytes with expiry and offers a handful of atomic
// primitives (Add, Increment, compare-and-delete). Cache turns those into
// an application API: typed values, read-through loading (Remember),
// stale fallbacks, refresh-ahead, locks with owner tokens, fixed-window
// rate limits and observer events. Keeping the store surface small means
// every feature works identically on every backend, and a new backend is
// proven correct by the shared contract suite in package cachetest.
//
// Cross-cutting storage concerns — key prefixes, default TTLs, value size
// limits, gzip or snappy compression and AES-GCM encryption — are applied by
// one layer, cachecore.WrapStore, wrapped around the backend by the
// New*StoreWithConfig constructors and available to backends written
// elsewhere. Because those constructors have no error result, a bad
// configuration (an encryption key of the wrong size, an unknown codec, a
// prefix containing ':', a negative MaxValueBytes) is reported by
// Store.Ready and by every operation.
//
// A Prefix is joined to each key with PrefixSeparator: prefix "tenant1" and
// key "user:42" reach the backend as "tenant1:user:42", the key a
// goforj/cache driver with the same prefix uses, so the two can share a
// backend. Because a prefix cannot contain ':', the first ':' of a stored
// key ends its prefix, and no key of one prefix is a key of another: a
// prefixed Flush, which removes the keys starting with "tenant1:", cannot
// reach "tenant10:". A store without a prefix uses keys unchanged and so
// sees, and flushes, every prefix's keys.
//
// Typed helpers (Get, Set, Remember, ...) store every value as JSON, as
// goforj/cache does: Set[string] of "dark" stores the six bytes "dark"
// with their quotes, a []byte a base64 JSON string. Get[string] and
// Get[[]byte] fall back to the stored bytes when they are not a JSON
// string, so they also read what SetString and SetBytes wrote; GetString
// and GetBytes return the stored bytes as they are. A typed value that
// does not decode is reported as not found, with the error.
//
// # Stored values
//
// Values are stored in the format of goforj/cache, so that processes using
// either package can share a backend. What a backend holds for a value
// depends on the store's BaseConfig:
//
//   - Without Compression and EncryptionKey, the value's bytes, unchanged.
//     Such a store interprets nothing it reads.
//   - With Compression, a compressed envelope, or the value itself when
//     compressing does not make it shorter and it does not begin with
//     "CMP1". goforj/cache always compresses; both read either form.
//   - With EncryptionKey, an encrypted envelope. Compression is then not
//     applied: ciphertext does not compress, and compressing before
//     encrypting would let a value's length reveal its content.
//
// A compressed envelope is
//
//	offset 0..3  "CMP1" (0x43 0x4D 0x50 0x31)
//	offset 4     codec: 'g' (0x67) gzip or 's' (0x73) snappy
//	offset 5..   for 'g': a gzip stream (RFC 1952), as goforj/cache writes
//	             for 's': CRC-32C (Castagnoli) of the value, 4 bytes big
//	             endian, then the value as one snappy block
//
// goforj/cache reads 'g' and refuses 's' with its ErrUnsupportedCodec, so
// use gzip where goforj/cache processes read the values. A read decodes
// either codec whatever the store's own Compression, and refuses other codec
// bytes with ErrUnsupportedCodec and damaged envelopes with
// ErrCorruptCompression. With MaxValueBytes, decompression stops at that
// many bytes (plus encryption's overhead) with ErrValueTooLarge, which
// defuses compression bombs; without it, a gzip envelope may expand up to
// 1032 times, so set MaxValueBytes where untrusted parties can write to the
// backend.
//
// An encrypted envelope is
//
//	offset 0..3    "ENC1" (0x45 0x4E 0x43 0x31)
//	offset 4       header: 0x0C, or 0x8C with KeyBoundEncryption
//	offset 5..16   the 12-byte nonce, random for every write
//	offset 17..    AES-GCM ciphertext of the value followed by the
//	               16-byte tag
//
// goforj/cache reads the header byte as the nonce length; here its low
// seven bits are that length and its top bit the key binding. With 0x0C the ciphertext has no additional data: goforj/cache's
// format, which it reads, and in which a value copied to another key
// decrypts there as well. With KeyBoundEncryption the top bit is set and the
// additional data is the key as the backend stores it (prefix included), so
// a copied value fails with ErrDecryptFailed; goforj/cache, finding a nonce
// length of 0x8C, refuses such values with its ErrDecryptFailed. A store
// with KeyBoundEncryption refuses 0x0C envelopes; others read both.
//
// goforj/cache writes a value both compressed and encrypted as a compressed
// envelope holding an encrypted one; encrypting stores read that too. An
// encrypting store refuses a value that is not in an encrypted envelope
// with ErrNotEncrypted, which wraps ErrDecryptFailed, because anyone able to
// write to the backend could otherwise plant values served as if they had
// been encrypted — except for counters, below. goforj/cache instead returns
// such values as they are; BaseConfig.AcceptUnencrypted does the same, for
// migrating a store whose values predate its encryption. A store without a
// key returns encrypted envelopes as they are.
//
// Increment and Decrement bypass compression and encryption, as in
// goforj/cache, so that a backend can update counters atomically with its
// own increment: a counter is stored as its base-10 text, as
// strconv.FormatInt writes it ("-42"), even in an encrypting store, which
// for that reason accepts such unencrypted text. Counters are therefore not
// confidential. Incrementing a number written with Set through a compressing
// or encrypting store first replaces its envelope with such text.
//
// # File store entries
//
// The file store keeps each entry in a file named by the SHA-256 of its
// key (the key the backend stores, prefix included) in lowercase hex,
// followed by ".cache", holding goforj/cache's record:
//
//	offset 0..3       "CFR2" (0x43 0x46 0x52 0x32)
//	offset 4..11      expiry, Unix nanoseconds, uint64 big endian; 0 for none
//	offset 12..15     key length n, uint32 big endian
//	offset 16..15+n   the key
//	offset 16+n..     the value as above, to the end of the file
//
// It also reads goforj/cache's older records, "CFR1", expiry, value (no
// key), and JSON {"key": ..., "expires_at": nanoseconds, "value": base64}.
// The record has no checksum. Writers rename a complete temporary file
// into place, so readers never see a partial record, and sync it first, so
// that a crash cannot leave one either (see StoreConfig.FileSkipSync). Lock files named
// ".cache-lock-" and two hex digits serialise writers (see
// NewFileStoreWithConfig).
//
// # Bookkeeping keys
//
// The facade keeps its own entries next to the application's, under
// goforj/cache's keys so that processes of both packages sharing a backend
// cooperate: the lock on key k is "__lock:k", holding its owner's random
// token; the stale copy of k is "k:__stale"; the refresh-ahead deadline of
// k is "k:__refresh_exp", decimal Unix nanoseconds. Rate-limit counters
// are "__cache:rate:k:" followed by the window's length and start in
// nanoseconds, which differs from goforj/cache's "k:" and bucket number so
// that limits on one key with different windows count separately. Do not
// write such keys directly.
//
// # Behaviour shared with goforj/cache
//
// Writes with ttl <= 0 get the Cache's default (NewCacheWithTTL), else the
// store's BaseConfig.DefaultTTL, five minutes for this package's stores.
// Increment and Decrement give the counter the call's ttl afresh. Lock and
// LockHandle.Block time out with context.DeadlineExceeded. Unlock of a
// lock no one holds returns nil; of a lock another owner holds now,
// ErrLockNotHeld. Observer events carry goforj/cache's operation names;
// see CacheOpEvent. Where this package deliberately differs (it never
// panics, shares loads, rejects invalid arguments with error variables),
// the README's "Migrating from goforj/cache" lists it.
//
// Cache methods take no context: each Cache carries one, set with
// WithContext, which returns a cheap derived handle sharing the same store
// and bookkeeping (lock tokens, in-flight loads).
package cache
