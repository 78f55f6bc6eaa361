// Package sqlitecache is a cachecore.Store on a table of a SQLite
// database, for the cache facade: build one with New and pass it to
// cache.NewCache. It is sqlcore with modernc.org/sqlite's database/sql
// driver (registered as "sqlite"), a pure Go SQLite, so it needs neither a
// C toolchain nor a server; see package sqlcore for the table, the
// semantics and what holds across processes. Several processes may share
// one database file, including processes of goforj/cache, whose table
// layout (k TEXT PRIMARY KEY, v BLOB NOT NULL, ea INTEGER NOT NULL) it
// keeps.
//
// # Connections and locking
//
// New adds three pragmas to every connection of the pool it opens (see
// WithPragmas): WAL journaling, so that reads go on while a write is in
// progress; a busy timeout, so that a write finding the database locked
// waits for the lock (up to Config.BusyTimeout, and never past its
// context's deadline) instead of failing at once; and synchronous=NORMAL,
// which WAL makes safe against corruption.
//
// SQLite allows one writer at a time per database, across connections
// and processes. The store relies on that lock rather than capping its
// pool: every write is a single statement in autocommit mode, which holds
// the lock only while it runs, so writers queue briefly through the busy
// timeout while readers, in WAL mode, never wait. No write is a
// transaction that reads first and writes later, so none can fail with
// SQLITE_BUSY_SNAPSHOT, the error that BEGIN IMMEDIATE exists to avoid;
// and the pool is not capped at one connection, which would serialize
// reads too and queue operations in database/sql where the busy timeout
// cannot see them.
//
// # Atomic operations
//
//   - Add is INSERT ... ON CONFLICT (k) DO UPDATE ... WHERE the existing
//     row has expired; RowsAffected tells whether it wrote.
//   - Increment and Decrement are INSERT ... ON CONFLICT (k) DO UPDATE ...
//     RETURNING v (SQLite 3.35 or later; the driver bundles a newer one).
//     The stored value must be a counter in strconv.ParseInt's syntax.
//     SQLite's CAST reads any text as a number (0 for "abc"), so the
//     statement checks the syntax itself and, for anything else, writes
//     NULL into the NOT NULL value column, which fails it with
//     SQLITE_CONSTRAINT_NOTNULL (cachecore.ErrNotNumeric); a sum leaving
//     int64, which SQLite's + would turn into a float, fails it with
//     SQLITE_TOOBIG (cachecore.ErrCounterOverflow). A failed statement
//     leaves the row as it was.
//   - Releasing a lock is DELETE ... WHERE k = ? AND v = ? AND the row is
//     live.
//
// Each is one statement, which SQLite runs under the database's write
// lock on the latest data, so concurrent calls from any number of
// connections and processes all count.
//
// # Keys, values and matching
//
// Keys compare and sort byte by byte. A key holding a NUL byte, invalid
// UTF-8 or the byte 0x01 is stored with each such byte escaped as 0x01
// and two hex digits, because SQLite's text functions stop at a NUL; every
// other key is stored as it is. Keys are limited to 1 MiB and values to
// what remains of SQLite's 1e9-byte row. Flush and listing match keys
// with GLOB, which unlike SQLite's LIKE tells upper from lower case, by a
// scan of the table: they are meant for occasional use.
//
// # Faults
//
// A database locked by another connection makes writes wait, then fail
// when their context ends (reads go on under WAL); a read-only database
// fails writes with SQLite's "attempt to write a readonly database" while
// reads work; a full disk, or a database at PRAGMA max_page_count, fails
// writes with "database or disk is full" and loses nothing, and writes
// work again once deletes have freed pages. The store works again after
// each without being rebuilt.
//
// A DSN that turns WAL off (journal_mode=DELETE) gives that up: another
// connection's exclusive transaction then shuts readers out as well, and
// because the driver opens a connection, and runs its pragmas, without
// the operation's context, an operation may then wait out the busy
// timeout past its deadline.
package sqlitecache
