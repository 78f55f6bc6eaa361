package sqlcore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// ErrIncrementContended is returned by Increment on a database whose
// increment is a transaction (MySQL) when, maxIncrementAttempts times
// over, the counter was absent when read and present when written:
// other clients kept creating and deleting it. The counter was not
// changed by the failed call.
var ErrIncrementContended = errors.New("sqlcore: increment kept losing the race to create its counter")

// maxIncrementAttempts bounds the transactions of one locked increment.
// Only a counter created by another client between the read and the
// write of an attempt needs another, which then finds it, so two
// attempts suffice unless the counter is also deleted again meanwhile.
const maxIncrementAttempts = 8

// incrementLocked is Increment on a dialect with lockedIncrement: each
// attempt is a READ COMMITTED transaction that reads the counter's row
// with a lock (lock), adds delta in this process with
// cachecore.AddCounter, and writes the sum, with set over the locked row
// or with add when there was none. The lock makes concurrent increments
// of one counter wait for each other, so none is lost. A counter another
// client creates between the read and add makes add affect no row: the
// attempt rolls back and the next one reads and locks that row.
//
// READ COMMITTED, because under MySQL's default REPEATABLE READ a locking
// read of an absent row takes a gap lock, which two first increments
// both get, and their inserts then deadlock.
func (s *store) incrementLocked(ctx context.Context, p *prepared, key, k string, delta int64, ttl time.Duration) (int64, error) {
	for range maxIncrementAttempts {
		n, done, err := s.incrementAttempt(ctx, p, k, delta, ttl)
		if err != nil {
			return 0, fmt.Errorf("sqlcore: increment %q: %w", key, err)
		}
		if done {
			return n, nil
		}
	}
	return 0, fmt.Errorf("%w: %q, %d attempts", ErrIncrementContended, key, maxIncrementAttempts)
}

// incrementAttempt runs one transaction of incrementLocked; done is false
// when the counter appeared between its read and its write.
func (s *store) incrementAttempt(ctx context.Context, p *prepared, k string, delta int64, ttl time.Duration) (n int64, done bool, err error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return 0, false, fail(ctx, "begin", err)
	}
	// After Commit this does nothing; on every other path it ends the
	// transaction, releasing the lock, and the counter is as it was.
	defer tx.Rollback()
	now := time.Now()
	c := call{key: k, expiry: expiry(now, ttl), now: now.UnixMilli()}
	var (
		v  []byte
		ea int64
	)
	err = tx.StmtContext(ctx, p.lock).QueryRowContext(ctx, k).Scan(&v, &ea)
	absent := errors.Is(err, sql.ErrNoRows)
	if err != nil && !absent {
		return 0, false, s.fail(ctx, "lock", err)
	}
	found := !absent && live(ea, c.now)
	if found && len(v) > 0 && v[0] == '+' {
		// strconv.ParseInt takes a sign the counter syntax does not.
		return 0, false, fmt.Errorf("%w: %q", cachecore.ErrNotNumeric, v[:min(len(v), 32)])
	}
	if n, c.value, err = cachecore.AddCounter(v, found, delta); err != nil {
		return 0, false, err
	}
	var buf [6]any
	if absent {
		res, err := tx.StmtContext(ctx, p.add).ExecContext(ctx, c.args(s.q.add, buf[:0])...)
		if err != nil {
			return 0, false, s.fail(ctx, "create counter", err)
		}
		created, err := res.RowsAffected()
		if err != nil {
			return 0, false, s.fail(ctx, "create counter", err)
		}
		if created == 0 {
			return 0, false, nil
		}
	} else {
		if found && ttl <= 0 {
			c.expiry = ea // a live counter keeps its expiry
		}
		if _, err := tx.StmtContext(ctx, p.set).ExecContext(ctx, c.args(s.q.set, buf[:0])...); err != nil {
			return 0, false, s.fail(ctx, "increment", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, false, s.fail(ctx, "commit", err)
	}
	return n, true, nil
}
