package sqltest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// Sizes of RunConcurrentIncrements: stores each on a pool of its own, and
// the increments each makes.
const (
	incrementers    = 6
	incrementsEach  = 40
	incrementBudget = time.Minute
)

// RunConcurrentIncrements has incrementers stores, each on a pool of its
// own limited to one connection, increment one counter concurrently, and
// requires the counter to hold every increment and the returned values to
// be distinct, as they are when no update is lost.
func RunConcurrentIncrements(t *testing.T, tg Target) {
	table, prefix := Name(t), Name(t)
	DropTable(t, tg.open(t), table)
	ctx, cancel := context.WithTimeout(context.Background(), incrementBudget)
	defer cancel()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seen = make(map[int64]bool)
		errs []error
	)
	start := make(chan struct{})
	for range incrementers {
		db := tg.open(t)
		db.SetMaxOpenConns(1)
		s := tg.store(t, StoreConfig{DB: db, Table: table, Prefix: prefix})
		// The first use creates the table; do it before the race.
		if err := s.Ready(ctx); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for range incrementsEach {
				n, err := s.Increment(ctx, "counter", 1, time.Hour)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else if seen[n] {
					errs = append(errs, errors.New("two increments returned the same value"))
				} else {
					seen[n] = true
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d increments failed, first: %v", len(errs), errs[0])
	}
	s := tg.store(t, StoreConfig{DB: tg.open(t), Table: table, Prefix: prefix})
	got, found, err := s.Get(ctx, "counter")
	if want := incrementers * incrementsEach; err != nil || !found || string(got) != itoa(want) {
		t.Fatalf("counter = %q, %v, %v; want %d", got, found, err, want)
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// RunSweep writes expired rows under two prefixes and live rows, starts
// a store sweeping every few milliseconds in batches of two, and requires
// every expired row, and only those, to be deleted; then it ends the
// store's Context and requires the sweep to have stopped.
func RunSweep(t *testing.T, tg Target) {
	db := tg.open(t)
	table, prefix := Name(t), Name(t)
	DropTable(t, db, table)
	bg := context.Background()
	writer := tg.store(t, StoreConfig{DB: db, Table: table, Prefix: prefix})
	other := tg.store(t, StoreConfig{DB: db, Table: table, Prefix: prefix + "o"})
	const expired = 7
	for i := range expired {
		for _, s := range []interface {
			Set(context.Context, string, []byte, time.Duration) error
		}{writer, other} {
			if err := s.Set(bg, "old"+itoa(i), []byte("v"), time.Millisecond); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, k := range []string{"live1", "live2"} {
		if err := writer.Set(bg, k, []byte("v"), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if err := other.Set(bg, "live", []byte("v"), time.Hour); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond) // past the expired rows' ea
	if n := tg.count(t, db, table, "1 = 1"); n != 2*expired+3 {
		t.Fatalf("table holds %d rows before the sweep, want %d", n, 2*expired+3)
	}

	ctx, stop := context.WithCancel(bg)
	defer stop()
	tg.store(t, StoreConfig{DB: db, Table: table, Prefix: Name(t), SweepInterval: 5 * time.Millisecond, SweepBatch: 2, Context: ctx})
	deadline := time.Now().Add(20 * time.Second)
	for tg.count(t, db, table, "1 = 1") > 3 {
		if time.Now().After(deadline) {
			t.Fatalf("the sweep left %d rows of 3 live ones after 20s", tg.count(t, db, table, "1 = 1"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, k := range []string{"live1", "live2"} {
		if _, found, err := writer.Get(bg, k); err != nil || !found {
			t.Fatalf("the sweep removed live row %s (%v)", k, err)
		}
	}
	if _, found, err := other.Get(bg, "live"); err != nil || !found {
		t.Fatalf("the sweep removed another prefix's live row (%v)", err)
	}

	stop()
	// A sweep round in flight ends within its statement; after that
	// nothing deletes expired rows any more.
	time.Sleep(50 * time.Millisecond)
	if err := writer.Set(bg, "after", []byte("v"), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if n := tg.count(t, db, table, "1 = 1"); n != 4 {
		t.Fatalf("after its Context ended, the sweep still ran: %d rows, want 4", n)
	}
}

// injections are table names that would change a statement if written
// into it as they are.
var injections = []string{
	"x; DROP TABLE victim",
	"victim --",
	"x WHERE 1=1",
	`"victim"`,
	"victim/*",
	"a.b.c",
	"9table",
	"x\x00",
	"tablé",
	strings.Repeat("a", 49),
}

// RunTableInjection requires New to refuse each of injections with
// ErrInvalidTable, returning a store that fails closed, and the victim
// table to survive.
func RunTableInjection(t *testing.T, tg Target) {
	db := tg.open(t)
	victim := Name(t)
	DropTable(t, db, victim)
	if _, err := db.ExecContext(context.Background(), tg.GoforjTable(victim)); err != nil {
		t.Fatal(err)
	}
	for _, name := range injections {
		name = strings.ReplaceAll(name, "victim", victim)
		s, err := tg.New(StoreConfig{DB: db, Table: name, SweepInterval: -1})
		if !errors.Is(err, tg.ErrInvalidTable) {
			t.Errorf("New(Table: %q) = %v, want ErrInvalidTable", name, err)
		}
		if s == nil {
			t.Errorf("New(Table: %q) returned a nil store", name)
			continue
		}
		if err := s.Set(context.Background(), "k", []byte("v"), time.Minute); !errors.Is(err, tg.ErrInvalidTable) {
			t.Errorf("Set on the store of table %q = %v, want ErrInvalidTable", name, err)
		}
	}
	if n := tg.count(t, db, victim, "1 = 1"); n != 0 {
		t.Fatalf("victim table holds %d rows", n)
	}
}

// RunOldLayout opens a store on a table goforj/cache created, holding a
// row goforj/cache wrote, and requires the store to read that row, to
// add the expiry index, and a row it writes to be one goforj/cache reads
// (key prefix:key, ea in Unix milliseconds).
func RunOldLayout(t *testing.T, tg Target) {
	db := tg.open(t)
	table := Name(t)
	DropTable(t, db, table)
	bg := context.Background()
	if _, err := db.ExecContext(bg, tg.GoforjTable(table)); err != nil {
		t.Fatal(err)
	}
	ph := tg.Placeholder
	expiry := time.Now().Add(time.Hour).UnixMilli()
	if _, err := db.ExecContext(bg, "INSERT INTO "+table+" (k, v, ea) VALUES ("+ph(1)+", "+ph(2)+", "+ph(3)+")",
		"app:fromgoforj", []byte("hello"), expiry); err != nil {
		t.Fatal(err)
	}
	if tg.HasExpiryIndex(t, db, table) {
		t.Fatal("goforj's table already has an index on ea")
	}
	s := tg.store(t, StoreConfig{DB: db, Table: table, Prefix: "app"})
	got, found, err := s.Get(bg, "fromgoforj")
	if err != nil || !found || string(got) != "hello" {
		t.Fatalf("Get of goforj's row = %q, %v, %v", got, found, err)
	}
	if !tg.HasExpiryIndex(t, db, table) {
		t.Fatal("the store did not add the index on ea to goforj's table")
	}
	before := time.Now().UnixMilli()
	if err := s.Set(bg, "fromus", []byte("hi"), time.Hour); err != nil {
		t.Fatal(err)
	}
	var (
		v  []byte
		ea int64
	)
	if err := db.QueryRowContext(bg, "SELECT v, ea FROM "+table+" WHERE k = "+ph(1), "app:fromus").Scan(&v, &ea); err != nil {
		t.Fatalf("our row is not at key app:fromus: %v", err)
	}
	if string(v) != "hi" || ea < before+time.Hour.Milliseconds() || ea > time.Now().Add(time.Hour+time.Second).UnixMilli() {
		t.Fatalf("our row holds %q expiring at %d, want \"hi\" an hour from %d in Unix ms", v, ea, before)
	}
}

// RunWrongLayout requires a store on a table without column ea to fail
// every operation with ErrTableLayout naming the column, and to leave the
// table as it was.
func RunWrongLayout(t *testing.T, tg Target) {
	db := tg.open(t)
	table := Name(t)
	DropTable(t, db, table)
	bg := context.Background()
	if _, err := db.ExecContext(bg, tg.WrongTable(table)); err != nil {
		t.Fatal(err)
	}
	s := tg.store(t, StoreConfig{DB: db, Table: table, Prefix: "app"})
	for op, err := range map[string]error{
		"Ready": s.Ready(bg),
		"Set":   s.Set(bg, "k", []byte("v"), time.Minute),
	} {
		if !errors.Is(err, tg.ErrTableLayout) || !strings.Contains(err.Error(), "no column ea") {
			t.Errorf("%s = %v, want ErrTableLayout naming column ea", op, err)
		}
	}
	if _, _, err := s.Get(bg, "k"); !errors.Is(err, tg.ErrTableLayout) {
		t.Errorf("Get = %v, want ErrTableLayout", err)
	}
	if n := tg.count(t, db, table, "1 = 1"); n != 0 {
		t.Fatalf("the store wrote %d rows into a table of the wrong layout", n)
	}
}
