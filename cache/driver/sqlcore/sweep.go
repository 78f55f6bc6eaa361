package sqlcore

import (
	"context"
	"database/sql"
	"time"
	"weak"
)

// maxSweepBatches bounds one round of the sweep; rows left expired after
// it wait for the next round.
const maxSweepBatches = 100

// minSweepRoundTime is the least time a round of the sweep may take
// before it is cancelled. A shorter bound, with a short interval, would
// cancel statements of a busy database over and over, and on PostgreSQL
// each cancellation opens a connection of its own.
const minSweepRoundTime = 30 * time.Second

// roundTime bounds a round of a sweep every interval: the interval, but
// never less than minSweepRoundTime.
func roundTime(interval time.Duration) time.Duration {
	return max(interval, minSweepRoundTime)
}

// sweeper deletes expired rows of its store's table every interval, batch
// rows per statement, until its context is done. It deletes expired rows
// of every prefix: an expired row is dead for every reader of the table.
//
// It holds its store weakly, so that a store the program drops is
// collected even though its sweep runs; New cancels the sweep's context
// then (runtime.AddCleanup), which also closes a pool the store opened.
type sweeper struct {
	store    weak.Pointer[store]
	db       *sql.DB
	interval time.Duration
	batch    int
}

// run sweeps until ctx is done or the store is collected, then closes
// the store's pool if the store opened it (closeDB).
func (w sweeper) run(ctx context.Context, closeDB bool) {
	if closeDB {
		defer w.db.Close()
	}
	if w.interval <= 0 {
		<-ctx.Done()
		return
	}
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if !w.round(ctx) {
				return
			}
		}
	}
}

// round runs one round of the sweep, reporting false if the store is gone.
// Rounds do not overlap: ticks missed during one are dropped. An error
// (the database away) waits for the next round.
func (w sweeper) round(ctx context.Context) bool {
	s := w.store.Value()
	if s == nil {
		return false
	}
	rctx, cancel := context.WithTimeout(ctx, roundTime(w.interval))
	defer cancel()
	s.sweep(rctx, w.batch)
	return true
}

// sweep deletes up to maxSweepBatches batches of expired rows, stopping
// at the first batch that finds fewer than batch rows.
func (s *store) sweep(ctx context.Context, batch int) error {
	p, err := s.statements(ctx)
	if err != nil {
		return err
	}
	c := call{now: time.Now().UnixMilli(), limit: int64(batch)}
	var buf [4]any
	_, err = s.deleteBatches(ctx, "sweep", p.sweepBatch, c.args(s.q.sweepBatch, buf[:0]), int64(batch), maxSweepBatches)
	return err
}
