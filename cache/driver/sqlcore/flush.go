package sqlcore

import (
	"context"
	"database/sql"
	"fmt"
)

// flushBatchRows is how many rows one statement of a flush deletes, so
// that no statement holds many row locks for long.
const flushBatchRows = 1000

// maxFlushBatches bounds a flush; rows still matching after it means
// other writers keep adding them faster than the flush deletes.
const maxFlushBatches = 1 << 16

// Flush of the unprefixed store deletes every row of the table, batch by
// batch. New always configures a prefix, so through New it is FlushPrefix
// of that prefix: unlike goforj/cache's, which empties the table, it
// leaves other prefixes' rows alone.
func (s *store) Flush(ctx context.Context) error { return s.FlushPrefix(ctx, "") }

// FlushPrefix implements cachecore.PrefixFlusher: it deletes the rows
// whose key starts with prefix, expired or not, at most flushBatchRows per
// statement, matching with LIKE with the prefix's own '%', '_' and
// escape characters escaped, so the prefix matches only itself. Rows
// written while it runs may survive it.
func (s *store) FlushPrefix(ctx context.Context, prefix string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := s.statements(ctx)
	if err != nil {
		return err
	}
	c := call{pattern: likePrefix(s.keyText(prefix)), limit: flushBatchRows}
	var buf [4]any
	done, err := s.deleteBatches(ctx, "flush", p.flushBatch, c.args(s.q.flushBatch, buf[:0]), flushBatchRows, maxFlushBatches)
	if err != nil || done {
		return err
	}
	return fmt.Errorf("%w: prefix %q after %d batches", ErrFlushIncomplete, prefix, maxFlushBatches)
}

// deleteBatches runs st, a delete of at most batch rows, with args until
// a run deletes fewer than batch rows, which it reports as done, or
// maxRuns runs have; op names the operation in its errors.
func (s *store) deleteBatches(ctx context.Context, op string, st *sql.Stmt, args []any, batch int64, maxRuns int) (done bool, err error) {
	for range maxRuns {
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return false, s.fail(ctx, op, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return false, s.fail(ctx, op, err)
		}
		if n < batch {
			return true, nil
		}
	}
	return false, nil
}
