package memcachedcache

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"strings"
	"time"
)

// maxKeyLen is memcached's limit on key length.
const maxKeyLen = 250

// hashedKeyMarker starts every key that serverKey had to hash. Keys that
// already start with it are hashed too, so that no key a caller passes
// through unchanged can equal the hashed form of another.
const hashedKeyMarker = "#sha256:"

// serverKey maps a cache key to a key memcached accepts: at most 250 bytes
// with no whitespace or control characters. Keys that fit are sent as they
// are; any other key is sent as hashedKeyMarker followed by the hex
// SHA-256 of the key, so distinct keys stay distinct (short of a SHA-256
// collision) and no key can read or overwrite another's entry.
func serverKey(key string) string {
	if len(key) <= maxKeyLen && len(key) > 0 && !strings.HasPrefix(key, hashedKeyMarker) && plain(key) {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return hashedKeyMarker + hex.EncodeToString(sum[:])
}

// plain reports whether key has no byte memcached's text protocol treats
// as a separator or control character.
func plain(key string) bool {
	for i := 0; i < len(key); i++ {
		if c := key[i]; c <= ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

// relativeLimit is the largest expiry memcached reads as seconds from now;
// larger values are absolute Unix times.
const relativeLimit = 30 * 24 * 60 * 60

// exptime converts a ttl to memcached's expiry field: 0 for no expiry;
// whole seconds rounded up (at least 1) when they are within 30 days;
// beyond that, the absolute Unix time, because memcached reads larger
// numbers so. The server parses the field as a 32-bit integer, so longer
// lifetimes ("forever") are clamped to its largest value, in 2038.
func exptime(ttl time.Duration, now time.Time) int64 {
	if ttl <= 0 {
		return 0
	}
	secs := int64(ttl / time.Second)
	if ttl%time.Second != 0 {
		secs++
	}
	if secs <= relativeLimit {
		return secs
	}
	at := now.Unix() + secs
	if secs > math.MaxInt32 || at > math.MaxInt32 {
		at = math.MaxInt32
	}
	return at
}
