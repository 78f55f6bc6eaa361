package cache_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
)

// TestTypedStringsAreJSON pins goforj/cache's encoding of typed strings and
// byte slices, so that a mixed fleet reads each other's values, and the
// fallback that keeps raw values readable.
func TestTypedStringsAreJSON(t *testing.T) {
	c := newCache(t)
	must(t, cache.Set(c, "s", "dark", time.Minute))
	if raw, _, _ := c.GetString("s"); raw != `"dark"` {
		t.Fatalf("Set[string] stored %q, want goforj's JSON text", raw)
	}
	if v, ok, err := cache.Get[string](c, "s"); err != nil || !ok || v != "dark" {
		t.Fatalf("Get[string] of Set[string] = %q, %v, %v", v, ok, err)
	}
	must(t, cache.Set(c, "b", []byte{1, 2, 3}, time.Minute))
	if raw, _, _ := c.GetString("b"); raw != `"AQID"` {
		t.Fatalf("Set[[]byte] stored %q, want a base64 JSON string", raw)
	}
	if v, ok, err := cache.Get[[]byte](c, "b"); err != nil || !ok || !bytes.Equal(v, []byte{1, 2, 3}) {
		t.Fatalf("Get[[]byte] = %v, %v, %v", v, ok, err)
	}
	// Raw values, as SetString and SetBytes write them, read as themselves.
	must(t, c.SetString("plain", "plain", time.Minute))
	if v, ok, err := cache.Get[string](c, "plain"); err != nil || !ok || v != "plain" {
		t.Fatalf("Get[string] of SetString = %q, %v, %v", v, ok, err)
	}
	must(t, c.SetBytes("raw", []byte{0, 1, 2}, time.Minute))
	if v, ok, err := cache.Get[[]byte](c, "raw"); err != nil || !ok || !bytes.Equal(v, []byte{0, 1, 2}) {
		t.Fatalf("Get[[]byte] of SetBytes = %v, %v, %v", v, ok, err)
	}
	v, err := cache.Remember(c, "r", time.Minute, func() (string, error) { return "loaded", nil })
	if raw, _, _ := c.GetString("r"); err != nil || v != "loaded" || raw != `"loaded"` {
		t.Fatalf("Remember[string] = %q, %v, stored %q", v, err, raw)
	}
}

func TestJSONHelpersQuoteStrings(t *testing.T) {
	c := newCache(t)
	must(t, cache.SetJSON(c, "k", "dark", time.Minute))
	if raw, _, _ := c.GetString("k"); raw != `"dark"` {
		t.Fatalf("SetJSON stored %q, want JSON text", raw)
	}
	if v, ok, err := cache.GetJSON[string](c, "k"); err != nil || !ok || v != "dark" {
		t.Fatalf("GetJSON = %q, %v, %v", v, ok, err)
	}
}

func TestTypedMissAndDecodeError(t *testing.T) {
	c := newCache(t)
	type point struct{ X, Y int }
	if v, ok, err := cache.Get[point](c, "missing"); err != nil || ok || v != (point{}) {
		t.Fatalf("Get of missing = %v, %v, %v; want zero, false, nil", v, ok, err)
	}
	must(t, c.SetString("bad", "{not json", time.Minute))
	if _, ok, err := cache.Get[point](c, "bad"); err == nil || ok {
		t.Fatalf("Get of invalid JSON = %v, %v; want not ok with an error, as goforj/cache", ok, err)
	}
	must(t, cache.Set(c, "p", point{1, 2}, time.Minute))
	if v, ok, err := cache.Pull[point](c, "p"); err != nil || !ok || v != (point{1, 2}) {
		t.Fatalf("Pull = %v, %v, %v", v, ok, err)
	}
	if _, ok, _ := c.GetBytes("p"); ok {
		t.Fatal("Pull left the key behind")
	}
}

func TestSetRejectsUnencodable(t *testing.T) {
	c := newCache(t)
	if err := cache.Set(c, "ch", make(chan int), time.Minute); err == nil {
		t.Fatal("Set of a channel succeeded")
	}
}

func TestIncrementNonNumeric(t *testing.T) {
	c := newCache(t)
	must(t, c.SetString("n", "ten", time.Minute))
	if _, err := c.Increment("n", 1, time.Minute); !errors.Is(err, cache.ErrNotNumeric) {
		t.Fatalf("Increment of text = %v, want ErrNotNumeric", err)
	}
}

func TestPullHandsValueToOneCaller(t *testing.T) {
	c := newCache(t)
	const pullers = 16
	for round := range 20 {
		must(t, c.SetString("token", "secret", time.Minute))
		got := make(chan bool, pullers)
		for range pullers {
			go func() {
				_, ok, err := c.PullBytes("token")
				got <- ok && err == nil
			}()
		}
		winners := 0
		for range pullers {
			if <-got {
				winners++
			}
		}
		if winners != 1 {
			t.Fatalf("round %d: %d callers pulled the token, want exactly 1", round, winners)
		}
	}
}

func TestBatch(t *testing.T) {
	c := newCache(t)
	must(t, c.BatchSetBytes(map[string][]byte{"a": []byte("1"), "b": []byte("2")}, time.Minute))
	got, err := c.BatchGetBytes("a", "b", "c")
	if err != nil || len(got) != 2 || string(got["a"]) != "1" || string(got["b"]) != "2" {
		t.Fatalf("BatchGetBytes = %q, %v", got, err)
	}
	must(t, c.DeleteMany("a", "b"))
	if got, _ := c.BatchGetBytes("a", "b"); len(got) != 0 {
		t.Fatalf("after DeleteMany: %q", got)
	}
}
