package sqlcore

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// The tests here need no database; postgrescache's tests run the store
// against PostgreSQL.

func TestValueOverDialectLimitRefusedBeforeSending(t *testing.T) {
	d := postgres()
	d.maxValueBytes = 4
	// A nil pool: a value that reached the database would panic.
	s := newStore(nil, d, "t")
	ctx := context.Background()
	if err := s.Set(ctx, "k", []byte("12345"), time.Minute); !errors.Is(err, cachecore.ErrValueTooLarge) {
		t.Fatalf("Set = %v, want ErrValueTooLarge", err)
	}
	if _, err := s.Add(ctx, "k", []byte("12345"), time.Minute); !errors.Is(err, cachecore.ErrValueTooLarge) {
		t.Fatalf("Add = %v, want ErrValueTooLarge", err)
	}
}

func TestValidTable(t *testing.T) {
	for _, name := range []string{"cache_entries", "Cache", "_x", "s.t", "a1", strings.Repeat("a", maxIdentifierBytes)} {
		if err := validTable(name); err != nil {
			t.Errorf("validTable(%q) = %v", name, err)
		}
	}
	for _, name := range []string{"", ".", "a.", ".a", "a.b.c", "1a", "a-b", "a b", "a;b", `"a"`, "a'", "é",
		"a\x00", strings.Repeat("a", maxIdentifierBytes+1)} {
		if err := validTable(name); !errors.Is(err, ErrInvalidTable) {
			t.Errorf("validTable(%q) = %v, want ErrInvalidTable", name, err)
		}
	}
}

func TestIndexNameIsUnqualified(t *testing.T) {
	if got := indexName("cache.entries"); got != "entries_ea_idx" {
		t.Fatalf("indexName = %q", got)
	}
	if got := indexName("entries"); got != "entries_ea_idx" {
		t.Fatalf("indexName = %q", got)
	}
}

func TestLikeQuoteEscapesWildcards(t *testing.T) {
	for in, want := range map[string]string{
		"app:":    "app:",
		"a%b_c!d": "a!%b!_c!!d",
		`a\b`:     `a\b`,
	} {
		if got := likeQuote(in); got != want {
			t.Errorf("likeQuote(%q) = %q, want %q", in, got, want)
		}
	}
	if got := likeWithin("p%", "q_"); got != "p!%%q!_%" {
		t.Errorf("likeWithin = %q", got)
	}
}

func TestExpiryRoundsUpAndClamps(t *testing.T) {
	now := time.UnixMilli(1000).Add(300 * time.Microsecond)
	if got := expiry(now, 0); got != noExpiry {
		t.Errorf("expiry(ttl 0) = %d, want noExpiry", got)
	}
	if got := expiry(now, time.Millisecond); got != 1002 {
		t.Errorf("expiry(1ms after 1000.3ms) = %d, want 1002", got)
	}
	if got := expiry(now, 1<<63-1); got <= 0 || got == noExpiry {
		t.Errorf("expiry(forever) = %d, want a far future ms that is not noExpiry", got)
	}
}

func TestDeleteManyStatementNamesABatch(t *testing.T) {
	q := postgres().deleteMany("t")
	if !strings.HasSuffix(q, "$32)") || strings.Count(q, "$") != deleteManyBatch {
		t.Fatalf("deleteMany = %q", q)
	}
}

// TestSweepRoundNotCutToShortInterval is the test of the bug that bounded
// each sweep round by the interval: with a 5ms interval on a busy
// PostgreSQL every round was cancelled, each cancellation opening a
// connection, until the server stopped accepting them.
func TestSweepRoundNotCutToShortInterval(t *testing.T) {
	for _, interval := range []time.Duration{time.Millisecond, 5 * time.Millisecond, time.Second} {
		if got := roundTime(interval); got < minSweepRoundTime {
			t.Errorf("roundTime(%v) = %v, want at least %v", interval, got, minSweepRoundTime)
		}
	}
	if got := roundTime(time.Hour); got != time.Hour {
		t.Errorf("roundTime(1h) = %v, want the interval", got)
	}
}
