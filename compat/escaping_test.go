package compat

import "testing"

// escapingKeys are keys that a client must escape in a request path and a
// server must unescape exactly.
var escapingKeys = []string{
	"",
	"with space",
	" leading and trailing ",
	"a+b",
	"+",
	"a/b",
	"/",
	"//",
	"a%b",
	"%2F",
	"%zz",
	"%",
	"what?",
	"?x=1&y=2",
	"a#b",
	"#",
	"a;b,c=d",
	".",
	"..",
	"../x",
	"tab\there",
	"new\nline",
	"nul\x00",
	"héllo wörld",
	"日本語",
	"emoji \U0001F600",
	"\xff\xfe\xfd",
	"bad\x80utf8",
	"a b+c/d%e?f#g\xff",
}

// TestKeyEscaping sends every escapingKeys key from a client peer to a
// server peer, for each pairing of our implementation and upstream's but
// one, and checks that the server's Getter received each key exactly as
// the client was asked for it.
func TestKeyEscaping(t *testing.T) {
	skip := map[string]string{
		"upstream_to_upstream": "upstream's own bug: its client escapes keys with url.QueryEscape, " +
			"which writes a space as \"+\", and its server decodes the path, " +
			"where \"+\" stays \"+\", so \"a b\" arrives as \"a+b\". Our server " +
			"reads the raw path with query unescaping, and our client escapes " +
			"everything but unreserved characters, so every other pairing is exact.",
	}
	forEachPairing(t, skip, func(t *testing.T, client, server peer) {
		forwardAll(t, client, server, escapingKeys)
	})
}

// TestValuesCrossIntact checks that empty, binary and large values reach a
// client unchanged, for each pairing of implementations.
func TestValuesCrossIntact(t *testing.T) {
	forEachPairing(t, nil, func(t *testing.T, client, server peer) {
		forwardAll(t, client, server, []string{emptyValueKey, binaryValueKey, largeValueKey, "ordinary"})
	})
}
