package groupcache

// The escaping of groups and keys in peer request paths. Every key must
// reach its owner unchanged through any server, a ServeMux included, and
// the bytes sent must stay those golang/groupcache sends, since rings are
// shared with its peers.

// requestPath returns the escaped group and key of a request to a peer, as
// they follow the base path.
func requestPath(group, key string) string {
	return escapePathSegment(group) + "/" + escapePathSegment(key)
}

// escapePathSegment is escapeSegment, except that it also escapes the dots
// of a segment that is exactly "." or "..". A ServeMux, which is how
// NewHTTPPool serves the pool, would otherwise clean such a segment out of
// the path and answer with a redirect. Every server, golang/groupcache's
// included, decodes "%2E" back to a dot. Dots anywhere else stay as they
// are, so that the path of every other key is the one earlier versions of
// this package sent.
func escapePathSegment(s string) string {
	switch s {
	case ".":
		return "%2E"
	case "..":
		return "%2E%2E"
	}
	return escapeSegment(s)
}

// escapeSegment escapes s for a path segment, leaving only unreserved
// characters unescaped. Both url.PathUnescape (golang/groupcache's server,
// through net/http) and url.QueryUnescape (this package's server) decode
// the result back to s, which neither url.PathEscape (it leaves "+") nor
// url.QueryEscape (it writes a space as "+") would guarantee.
func escapeSegment(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return string(b)
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}
