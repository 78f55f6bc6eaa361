package natscache

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"time"
)

// encodePart is one part of a KV key: unpadded base64url, which uses only
// characters KV keys allow, or "_" for an empty part, which base64 would
// leave empty and KV keys cannot hold.
func encodePart(s string) string {
	if s == "" {
		return "_"
	}
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

// keyPrefix is the start of every KV key of prefix; prefix + ">" is the
// subject filter that matches exactly them.
func keyPrefix(prefix string) string { return "p." + encodePart(prefix) + ".k." }

// envelopeMagic starts an envelope: the magic, the expiry as a big-endian
// uint64 of Unix milliseconds (0: never), then the value.
const (
	envelopeMagic  = "NCV1"
	envelopeHeader = len(envelopeMagic) + 8
)

// wrap returns value in an envelope expiring at exp.
func wrap(value []byte, exp uint64) []byte {
	b := make([]byte, envelopeHeader+len(value))
	copy(b, envelopeMagic)
	binary.BigEndian.PutUint64(b[len(envelopeMagic):], exp)
	copy(b[envelopeHeader:], value)
	return b
}

// unwrap returns the value of a stored entry and its expiry. It reads the
// envelopes goforj/cache wrote in each of its versions: its first wrote
// jsonEnvelope, later ones the binary envelope this package writes, and
// it reads both. Bytes in neither are a value that never expires, as
// goforj/cache reads them too.
func unwrap(b []byte) (value []byte, exp uint64) {
	if len(b) >= envelopeHeader && bytes.HasPrefix(b, []byte(envelopeMagic)) {
		return b[envelopeHeader:], binary.BigEndian.Uint64(b[len(envelopeMagic):])
	}
	if len(b) > 0 && b[0] == '{' {
		var env jsonEnvelope
		if json.Unmarshal(b, &env) == nil && env.Marker == jsonEnvelopeMarker {
			return env.Value, uint64(max(env.ExpiresAt, 0))
		}
	}
	return b, 0
}

// jsonEnvelope is the envelope of goforj/cache's first NATS store: a JSON
// object whose Marker is jsonEnvelopeMarker, the value in base64 and its
// expiry in Unix milliseconds, none when not positive. This package reads
// it and never writes it.
type jsonEnvelope struct {
	Marker    string `json:"m"`
	Value     []byte `json:"v"`
	ExpiresAt int64  `json:"ea"`
}

const jsonEnvelopeMarker = "cache-v1"

// expired reports whether an entry expiring at exp is gone at now.
func expired(exp uint64, now time.Time) bool {
	return exp != 0 && uint64(now.UnixMilli()) >= exp
}
