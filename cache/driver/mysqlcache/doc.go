// Package mysqlcache is a cachecore.Store on a MySQL or MariaDB table,
// for the cache facade: build one with New and pass it to
// cache.NewCache. It is sqlcore with go-sql-driver
// (github.com/go-sql-driver/mysql, registered as "mysql"); see package
// sqlcore for the table, the semantics and what holds across processes.
//
// The table has goforj/cache's layout: k VARBINARY(255) the primary key,
// v LONGBLOB, ea BIGINT the expiry in Unix milliseconds, InnoDB, plus an
// index on ea for the sweep. A binary key holds any byte string and
// compares, sorts and matches LIKE byte by byte, case-sensitively, so
// keys are stored as they are. Keys (with the Prefix) are limited to the
// column's 255 bytes and values to 16 MiB less 1 KiB, the size MariaDB's
// default max_allowed_packet carries; longer ones get
// sqlcore.ErrInvalidKey and cachecore.ErrValueTooLarge before anything is
// sent.
//
// How each operation that must hold across processes is built:
//
//   - Add is INSERT ... ON DUPLICATE KEY UPDATE whose update replaces the
//     row only when it has expired (ea <= now), one statement: 1 or 2
//     rows affected means this caller created the entry, 0 that a live
//     one was there. This is why the driver must report changed rows,
//     not found rows (clientFoundRows off).
//   - Increment and Decrement are a READ COMMITTED transaction:
//     SELECT ... FOR UPDATE locks the counter's row, the sum is computed
//     in Go with strconv's syntax, so a value that is not a counter is
//     refused with cachecore.ErrNotNumeric and never read as 0 as
//     CAST(... AS SIGNED) would, and the upsert writes it before COMMIT.
//     Concurrent increments queue on the row lock, so none is lost. When
//     the row is absent there is nothing to lock: two first increments
//     both try to create it with Add's statement, one creates it, the
//     other affects no row, rolls back and runs again (at most 8 times,
//     then sqlcore.ErrIncrementContended), this time locking the row.
//     READ COMMITTED because under the default REPEATABLE READ the
//     locking read of an absent row takes a gap lock, with which two
//     first increments deadlock. InnoDB may still pick an increment as
//     the victim of a deadlock with another statement (the sweep
//     deleting that expired counter at that moment): it then fails with
//     the server's error 1213, having counted nothing, and may be retried.
//   - Releasing a lock is DELETE ... WHERE k = ? AND v = ? AND ea > ?.
//   - The sweep and Flush delete with DELETE ... ORDER BY ... LIMIT.
//
// This package is tested against MariaDB 10.11. Where MySQL 8 differs:
//
//   - MariaDB 10.5 and later could return the sum from the upsert
//     (INSERT ... RETURNING); MySQL has no RETURNING, so Increment is the
//     transaction above on both.
//   - MySQL has no CREATE INDEX IF NOT EXISTS: the store looks the
//     expiry index up in information_schema before creating it.
//   - MySQL 8.0.20 deprecates VALUES() in ON DUPLICATE KEY UPDATE in
//     favour of INSERT ... AS alias, which MariaDB lacks; the statements
//     use VALUES(), which MySQL 8 still runs, with a warning.
//   - MySQL 8's default max_allowed_packet is 64 MiB; the value limit
//     stays MariaDB's.
//   - A server logging statements (binlog_format=STATEMENT) refuses
//     writes in READ COMMITTED transactions; MIXED (MariaDB's default) and
//     ROW (MySQL 8's) do not, and with either the increment works.
package mysqlcache
