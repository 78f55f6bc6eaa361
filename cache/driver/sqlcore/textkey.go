package sqlcore

import (
	"strings"
	"unicode/utf8"
)

// textKeyEscape introduces an escaped byte in a key stored by textKey. It
// is a control character (SOH) that keys rarely hold.
const textKeyEscape = 0x01

const hexDigits = "0123456789abcdef"

// textKey maps a key, which may be any byte string, to text a database
// text column in UTF-8 holds: PostgreSQL's TEXT refuses NUL bytes and
// invalid UTF-8. Keys without those bytes and without textKeyEscape, that
// is nearly all keys, are returned as they are, so processes of
// goforj/cache sharing the table find them. In others each NUL,
// textKeyEscape and byte of an invalid UTF-8 sequence becomes
// textKeyEscape followed by the byte in two lowercase hex digits. No
// mapped key contains a bare textKeyEscape, so the mapping is injective,
// and it works byte by byte (rune by rune), so a key starting with a
// prefix ending on a UTF-8 boundary maps to text starting with the
// prefix's mapping.
func textKey(key string) string {
	if plainText(key) {
		return key
	}
	var b strings.Builder
	b.Grow(len(key) + 8)
	for i := 0; i < len(key); {
		r, size := utf8.DecodeRuneInString(key[i:])
		if r == 0 || r == textKeyEscape || r == utf8.RuneError && size == 1 {
			c := key[i]
			b.WriteByte(textKeyEscape)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		} else {
			b.WriteString(key[i : i+size])
		}
		i += size
	}
	return b.String()
}

// plainText reports whether textKey keeps key as it is.
func plainText(key string) bool {
	ascii := true
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c <= textKeyEscape {
			return false
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	return ascii || utf8.ValidString(key)
}

// untextKey reverses textKey. Text textKey cannot have produced (an
// escape without two hex digits, as a goforj/cache process may write)
// is returned as it is.
func untextKey(text string) string {
	if strings.IndexByte(text, textKeyEscape) < 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != textKeyEscape {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(text) {
			return text
		}
		hi, lo := unhex(text[i+1]), unhex(text[i+2])
		if hi < 0 || lo < 0 {
			return text
		}
		b.WriteByte(byte(hi<<4 | lo))
		i += 2
	}
	return b.String()
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	}
	return -1
}
