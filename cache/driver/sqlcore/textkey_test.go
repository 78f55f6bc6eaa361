package sqlcore

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTextKeyRoundTripsAndKeepsPlainKeys(t *testing.T) {
	for _, k := range []string{"", "app:k", "app:é€😀", "a\x00b", "a\x01b", "a\x0101b", "\xff", "app:\xe2\x82", "x\x01zz"} {
		text := textKey(k)
		if strings.IndexByte(text, 0) >= 0 || !utf8.ValidString(text) {
			t.Errorf("textKey(%q) = %q, which a UTF-8 text column refuses", k, text)
		}
		if got := untextKey(text); got != k {
			t.Errorf("untextKey(textKey(%q)) = %q", k, got)
		}
		plain := utf8.ValidString(k) && !strings.ContainsAny(k, "\x00\x01")
		if plain != (text == k) {
			t.Errorf("textKey(%q) = %q: a plain key must be kept, only a plain key", k, text)
		}
	}
}

func TestTextKeyIsInjectiveAndKeepsPrefixes(t *testing.T) {
	keys := []string{"a\x00", "a\x0100", "a\x01", "a", "a\xff", "a\x01ff", "\x01", "\x0101"}
	seen := map[string]string{}
	for _, k := range keys {
		text := textKey(k)
		if other, dup := seen[text]; dup {
			t.Fatalf("textKey maps %q and %q to %q", k, other, text)
		}
		seen[text] = k
		if !strings.HasPrefix(text, textKey("a")) && strings.HasPrefix(k, "a") {
			t.Errorf("textKey(%q) = %q does not start with textKey(%q)", k, text, "a")
		}
	}
}
