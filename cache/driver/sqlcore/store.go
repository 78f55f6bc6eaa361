package sqlcore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// noExpiry is the ea of a row that does not expire. goforj/cache's store
// reads any ea in the future as live, so both agree on such rows.
const noExpiry = math.MaxInt64

// store is the unshaped backend: it stores keys and values exactly as it
// is given them. New wraps it with cachecore.WrapStore, which adds the
// prefix, default TTL, size limit, compression and encryption.
//
// Every operation is one statement from its dialect, prepared once on
// first use and run on whichever pooled connection database/sql hands out,
// so no connection is held between calls. Expiry is checked against this
// process's clock, in Unix milliseconds, as goforj/cache does: processes
// sharing a table should keep their clocks in sync.
type store struct {
	db    *sql.DB
	d     *dialect
	table string
	q     statements

	// prepared is set once the schema is in place and the statements are
	// prepared; setup serializes getting there while honouring contexts.
	prepared atomic.Pointer[prepared]
	setup    chan struct{}
}

// prepared holds the store's statements, prepared on db.
type prepared struct {
	get, set, add, increment, deleteKey, compareAndDelete, deleteMany,
	flushBatch, sweepBatch, list, lock *sql.Stmt
}

func newStore(db *sql.DB, d *dialect, table string) *store {
	return &store{db: db, d: d, table: table, q: d.statements(table), setup: make(chan struct{}, 1)}
}

// fail describes err of op and, when the context ended, wraps its error
// too, so that callers can test for context.DeadlineExceeded whichever of
// the driver's own errors surfaced.
func fail(ctx context.Context, op string, err error) error {
	return cachecore.OpError(ctx, "sqlcore", op, err)
}

// fail is the package's fail, and when err says the table is gone (dropped while the
// store ran), it also forgets the prepared statements, so that the next
// call creates the table again rather than failing for ever.
func (s *store) fail(ctx context.Context, op string, err error) error {
	if s.d.missingTable != nil && s.d.missingTable(err) {
		if p := s.prepared.Swap(nil); p != nil {
			p.close()
		}
	}
	return fail(ctx, op, err)
}

// statements returns the prepared statements, first ensuring the schema
// and preparing them if no call has yet. A failure is returned to the
// caller and the next call tries again.
func (s *store) statements(ctx context.Context) (*prepared, error) {
	if p := s.prepared.Load(); p != nil {
		return p, nil
	}
	select {
	case s.setup <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.setup }()
	if p := s.prepared.Load(); p != nil {
		return p, nil
	}
	if err := ensureSchema(ctx, s.db, s.d, s.table); err != nil {
		return nil, err
	}
	p, err := s.prepare(ctx)
	if err != nil {
		return nil, fail(ctx, "prepare", err)
	}
	s.prepared.Store(p)
	return p, nil
}

func (s *store) prepare(ctx context.Context) (*prepared, error) {
	var p prepared
	for _, x := range []struct {
		dst  **sql.Stmt
		text string
	}{
		{&p.get, s.q.get.text},
		{&p.set, s.q.set.text},
		{&p.add, s.q.add.text},
		{&p.increment, s.q.increment.text},
		{&p.deleteKey, s.q.deleteKey.text},
		{&p.compareAndDelete, s.q.compareAndDelete.text},
		{&p.deleteMany, s.d.deleteMany(s.table)},
		{&p.flushBatch, s.q.flushBatch.text},
		{&p.sweepBatch, s.q.sweepBatch.text},
		{&p.list, s.q.list.text},
		{&p.lock, s.q.lock.text},
	} {
		if x.text == "" {
			continue // a statement this dialect does without
		}
		st, err := s.db.PrepareContext(ctx, x.text)
		if err != nil {
			p.close()
			return nil, err
		}
		*x.dst = st
	}
	return &p, nil
}

// close closes the statements prepared so far.
func (p *prepared) close() {
	for _, st := range []*sql.Stmt{p.get, p.set, p.add, p.increment, p.deleteKey,
		p.compareAndDelete, p.deleteMany, p.flushBatch, p.sweepBatch, p.list, p.lock} {
		if st != nil {
			st.Close()
		}
	}
}

// call holds the values a statement's params take.
type call struct {
	key       string
	value     []byte
	expiry    int64
	now       int64
	delta     int64
	deltaText []byte
	touch     bool
	pattern   string
	limit     int64
	offset    int64
}

// args appends the arguments of q's placeholders to dst.
func (c *call) args(q query, dst []any) []any {
	for _, p := range q.args {
		switch p {
		case pKey:
			dst = append(dst, c.key)
		case pValue:
			dst = append(dst, c.value)
		case pExpiry:
			dst = append(dst, c.expiry)
		case pNow:
			dst = append(dst, c.now)
		case pDelta:
			dst = append(dst, c.delta)
		case pDeltaText:
			dst = append(dst, c.deltaText)
		case pTouch:
			dst = append(dst, c.touch)
		case pPattern:
			dst = append(dst, c.pattern)
		case pLimit:
			dst = append(dst, c.limit)
		case pOffset:
			dst = append(dst, c.offset)
		}
	}
	return dst
}

// expiry returns the ea of a row written at now (Unix ms) with ttl:
// noExpiry for ttl <= 0, else rounded up to whole milliseconds so that an
// entry never expires before its ttl.
func expiry(now time.Time, ttl time.Duration) int64 {
	if ttl <= 0 {
		return noExpiry
	}
	at := cachecore.ExpiresAt(now, ttl)
	ms := at.UnixMilli()
	if time.UnixMilli(ms).Before(at) {
		ms++
	}
	return ms
}

// live reports whether a row with expiry ea is live at now (Unix ms).
func live(ea, now int64) bool { return ea > now }

// checkValue refuses a value the database cannot store.
func (s *store) checkValue(value []byte) error {
	if s.d.maxValueBytes > 0 && len(value) > s.d.maxValueBytes {
		return fmt.Errorf("%w: %d bytes, %s holds at most %d", cachecore.ErrValueTooLarge, len(value), s.d.name, s.d.maxValueBytes)
	}
	return nil
}

// keyText is the key column's text for key (see dialect.mapKey).
func (s *store) keyText(key string) string {
	if s.d.mapKey == nil {
		return key
	}
	return s.d.mapKey(key)
}

// storeKey is keyText(key), or an error wrapping ErrInvalidKey when it
// is too long for the key column.
func (s *store) storeKey(key string) (string, error) {
	k := s.keyText(key)
	if s.d.maxKeyBytes > 0 && len(k) > s.d.maxKeyBytes {
		return "", fmt.Errorf("%w: %d bytes, %s keys are limited to %d", ErrInvalidKey, len(k), s.d.name, s.d.maxKeyBytes)
	}
	return k, nil
}

// loadKey is the key whose key column text is text.
func (s *store) loadKey(text string) string {
	if s.d.unmapKey == nil {
		return text
	}
	return s.d.unmapKey(text)
}

// begin is the prologue of every operation on one key: it fails at once
// on an ended ctx, then returns key's column text (see storeKey) and the
// statements. A key that cannot be stored fails with an error wrapping
// ErrInvalidKey before the database is contacted; an operation that only
// reads or deletes treats it as never stored.
func (s *store) begin(ctx context.Context, key string) (string, *prepared, error) {
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	k, err := s.storeKey(key)
	if err != nil {
		return "", nil, err
	}
	p, err := s.statements(ctx)
	if err != nil {
		return "", nil, err
	}
	return k, p, nil
}

func (s *store) Driver() cachecore.Driver { return cachecore.DriverSQL }

// Ready pings the database and, on the first call that reaches it,
// creates or checks the table.
func (s *store) Ready(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := s.statements(ctx); err != nil {
		return err
	}
	if err := s.db.PingContext(ctx); err != nil {
		return fail(ctx, "ping", err)
	}
	return nil
}

func (s *store) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, _, found, err := s.GetWithExpiry(ctx, key)
	return v, found, err
}

// GetWithExpiry implements cachecore.ExpiryGetter.
func (s *store) GetWithExpiry(ctx context.Context, key string) ([]byte, time.Time, bool, error) {
	k, p, err := s.begin(ctx, key)
	if errors.Is(err, ErrInvalidKey) {
		return nil, time.Time{}, false, nil // never stored
	}
	if err != nil {
		return nil, time.Time{}, false, err
	}
	var (
		v  []byte
		ea int64
	)
	err = p.get.QueryRowContext(ctx, k).Scan(&v, &ea)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, false, nil
	}
	if err != nil {
		return nil, time.Time{}, false, s.fail(ctx, "get", err)
	}
	if !live(ea, time.Now().UnixMilli()) {
		return nil, time.Time{}, false, nil
	}
	if v == nil {
		v = []byte{}
	}
	var at time.Time
	if ea != noExpiry {
		at = time.UnixMilli(ea)
	}
	return v, at, true, nil
}

func (s *store) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := s.checkValue(value); err != nil {
		return err
	}
	k, p, err := s.begin(ctx, key)
	if err != nil {
		return err
	}
	c := call{key: k, value: nonNil(value), expiry: expiry(time.Now(), ttl)}
	var buf [4]any
	if _, err := p.set.ExecContext(ctx, c.args(s.q.set, buf[:0])...); err != nil {
		return s.fail(ctx, "set", err)
	}
	return nil
}

// nonNil returns value, or an empty slice for nil, because drivers send a
// nil []byte as NULL, which the NOT NULL value column refuses.
func nonNil(value []byte) []byte {
	if value == nil {
		return []byte{}
	}
	return value
}

func (s *store) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := s.checkValue(value); err != nil {
		return false, err
	}
	k, p, err := s.begin(ctx, key)
	if err != nil {
		return false, err
	}
	now := time.Now()
	c := call{key: k, value: nonNil(value), expiry: expiry(now, ttl), now: now.UnixMilli()}
	var buf [6]any
	res, err := p.add.ExecContext(ctx, c.args(s.q.add, buf[:0])...)
	if err != nil {
		return false, s.fail(ctx, "add", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.fail(ctx, "add", err)
	}
	return n > 0, nil
}

// Increment runs the dialect's increment statement, which adds delta on
// the server in one atomic statement, so concurrent increments from any
// number of processes all count (on a dialect with lockedIncrement, a
// transaction instead: see incrementLocked). A positive ttl restarts the
// counter's lifetime, as goforj/cache's drivers do; an absent or expired
// counter starts from zero.
func (s *store) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	k, p, err := s.begin(ctx, key)
	if err != nil {
		return 0, err
	}
	if s.d.lockedIncrement {
		return s.incrementLocked(ctx, p, key, k, delta, ttl)
	}
	now := time.Now()
	c := call{
		key: k, expiry: expiry(now, ttl), now: now.UnixMilli(),
		delta: delta, deltaText: strconv.AppendInt(nil, delta, 10), touch: ttl > 0,
	}
	var (
		buf  [8]any
		text []byte
	)
	err = p.increment.QueryRowContext(ctx, c.args(s.q.increment, buf[:0])...).Scan(&text)
	if err != nil {
		if cerr := s.d.classify(err); cerr != nil {
			return 0, fmt.Errorf("sqlcore: increment %q: %w", key, cerr)
		}
		return 0, s.fail(ctx, "increment", err)
	}
	n, err := strconv.ParseInt(string(text), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q: %v", cachecore.ErrNotNumeric, key, err)
	}
	return n, nil
}

func (s *store) Decrement(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	neg, err := cachecore.NegateDelta(delta)
	if err != nil {
		return 0, err
	}
	return s.Increment(ctx, key, neg, ttl)
}

func (s *store) Delete(ctx context.Context, key string) error {
	k, p, err := s.begin(ctx, key)
	if errors.Is(err, ErrInvalidKey) {
		return nil // never stored
	}
	if err != nil {
		return err
	}
	if _, err := p.deleteKey.ExecContext(ctx, k); err != nil {
		return s.fail(ctx, "delete", err)
	}
	return nil
}

// DeleteMany deletes the keys deleteManyBatch at a time, each batch one
// statement; batches already run stay deleted if a later one fails.
func (s *store) DeleteMany(ctx context.Context, keys ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	valid := make([]string, 0, len(keys))
	for _, key := range keys {
		// A key that cannot be stored was never stored.
		if k, err := s.storeKey(key); err == nil {
			valid = append(valid, k)
		}
	}
	if len(valid) == 0 {
		return nil
	}
	p, err := s.statements(ctx)
	if err != nil {
		return err
	}
	args := make([]any, deleteManyBatch)
	for start := 0; start < len(valid); start += deleteManyBatch {
		batch := valid[start:min(start+deleteManyBatch, len(valid))]
		for i := range args {
			if i < len(batch) {
				args[i] = batch[i]
			} else {
				args[i] = batch[0]
			}
		}
		if _, err := p.deleteMany.ExecContext(ctx, args...); err != nil {
			return s.fail(ctx, "delete", err)
		}
	}
	return nil
}

// CompareAndDelete implements cachecore.CompareAndDeleter with one DELETE
// conditioned on the value, which the database applies atomically.
func (s *store) CompareAndDelete(ctx context.Context, key string, expected []byte) (bool, error) {
	k, p, err := s.begin(ctx, key)
	if errors.Is(err, ErrInvalidKey) {
		return false, nil // never stored
	}
	if err != nil {
		return false, err
	}
	c := call{key: k, value: nonNil(expected), now: time.Now().UnixMilli()}
	var buf [4]any
	res, err := p.compareAndDelete.ExecContext(ctx, c.args(s.q.compareAndDelete, buf[:0])...)
	if err != nil {
		return false, s.fail(ctx, "compare and delete", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.fail(ctx, "compare and delete", err)
	}
	return n > 0, nil
}
