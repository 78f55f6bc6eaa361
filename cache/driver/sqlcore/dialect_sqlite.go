package sqlcore

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// sqliteMaxKeyBytes bounds keys. SQLite holds a key of any length up to
// its row limit (SQLITE_MAX_LENGTH, 1e9 bytes), which the value shares;
// a megabyte is far beyond any real key and leaves the value nearly all
// of the row.
const sqliteMaxKeyBytes = 1 << 20

// sqliteMaxValueBytes is the largest value: a row, key and record header
// included, holds at most SQLITE_MAX_LENGTH (1e9) bytes.
const sqliteMaxValueBytes = 1_000_000_000 - sqliteMaxKeyBytes - 1<<10

// sqliteError is SQLite's generic error code, which among others reports
// a missing table; SQLite has no code of its own for that.
const sqliteError = 1

// Extended result codes the increment statement fails with. The
// statement forces them itself: the first by writing NULL into the
// NOT NULL value column, the second by asking for a blob larger than
// any SQLite holds. Neither can arise from the statement otherwise.
const (
	sqliteConstraintNotNull = 1299 // SQLITE_CONSTRAINT_NOTNULL
	sqliteTooBig            = 18   // SQLITE_TOOBIG
)

// sqlite is the dialect of SQLite (driver names "sqlite", which
// modernc.org/sqlite registers, and "sqlite3"). Its table keeps
// goforj/cache's layout (k TEXT, v BLOB NOT NULL, ea INTEGER NOT NULL), so
// processes of either share a database file. Keys compare and sort byte
// by byte (the BINARY collation); a key holding a NUL byte, invalid UTF-8
// or 0x01 is escaped by textKey, because SQLite's text functions stop at
// a NUL.
//
// Every write is a single statement in autocommit mode: SQLite takes the
// database's write lock for the statement, so statements of all
// connections and processes run one at a time, each on the latest data,
// and none is ever lost. Because no transaction reads before it writes,
// a writer waiting for the lock always waits through the busy handler
// (PRAGMA busy_timeout) rather than failing with SQLITE_BUSY_SNAPSHOT.
func sqlite() *dialect {
	return &dialect{
		name:        "sqlite",
		placeholder: func(n int) string { return "?" + strconv.Itoa(n) },
		statements:  sqliteStatements,
		schema: func(table string) []string {
			// An index is created in its table's schema, named by the
			// index's name, while its ON clause takes the bare table.
			idx, bare := indexName(table), table
			if i := strings.IndexByte(table, '.'); i >= 0 {
				idx, bare = table[:i+1]+idx, table[i+1:]
			}
			return []string{
				"CREATE TABLE IF NOT EXISTS " + table + " (k TEXT PRIMARY KEY, v BLOB NOT NULL, ea INTEGER NOT NULL)",
				"CREATE INDEX IF NOT EXISTS " + idx + " ON " + bare + " (ea)",
			}
		},
		// pragma_table_info takes the schema as a second argument (NULL
		// searches them in SQLite's order) and the table bare. The type
		// is reported with the NOT NULL the value column needs.
		columns: query{
			text: "SELECT name, lower(type) || CASE WHEN \"notnull\" THEN '' ELSE ' (nullable)' END" +
				" FROM pragma_table_info(substr(?1, instr(?1, '.') + 1)," +
				" CASE WHEN instr(?1, '.') > 0 THEN substr(?1, 1, instr(?1, '.') - 1) END)",
			args: []param{pTable},
		},
		columnType:    sqliteColumnType,
		mapKey:        textKey,
		unmapKey:      untextKey,
		maxKeyBytes:   sqliteMaxKeyBytes,
		maxValueBytes: sqliteMaxValueBytes,
		classify:      sqliteClassify,
		missingTable:  sqliteMissingTable,
	}
}

// sqliteColumnType accepts the columns SQLite stores what the store
// writes in, by their type affinity: k of TEXT affinity, ea of INTEGER
// affinity, and v of BLOB affinity and NOT NULL, because the increment
// statement relies on the constraint to refuse a value that is not a
// counter.
func sqliteColumnType(name, typ string) bool {
	typ, nullable := strings.CutSuffix(typ, " (nullable)")
	switch name {
	case "k":
		return sqliteAffinity(typ) == "text"
	case "v":
		return !nullable && sqliteAffinity(typ) == "blob"
	case "ea":
		return sqliteAffinity(typ) == "integer"
	}
	return false
}

// sqliteAffinity is the affinity SQLite gives a column of the declared
// type typ, in lower case, by the rules of https://sqlite.org/datatype3.html
// (section 3.1), taken in their order.
func sqliteAffinity(typ string) string {
	switch {
	case strings.Contains(typ, "int"):
		return "integer"
	case strings.Contains(typ, "char"), strings.Contains(typ, "clob"), strings.Contains(typ, "text"):
		return "text"
	case typ == "", strings.Contains(typ, "blob"):
		return "blob"
	case strings.Contains(typ, "real"), strings.Contains(typ, "floa"), strings.Contains(typ, "doub"):
		return "real"
	}
	return "numeric"
}

// sqliteGlob is the GLOB pattern, as an SQL expression, matching what the
// LIKE pattern ?1 (escaped with likeEscape) matches. SQLite's LIKE ignores
// the case of ASCII letters, which would let a flush of prefix "app"
// delete the rows of "APP"; its GLOB is case-sensitive. The replacements
// run in order: GLOB's own special characters become one-character sets,
// "!!" the set "[!]" (leftmost first, as the pattern is read, so "!!%"
// stays an escaped "!" before a wildcard), "!_" a plain "_", and of the
// "%" left, those escaped ("!%", now "!*") become a plain "%" and the
// others GLOB's "*".
const sqliteGlob = "replace(replace(replace(replace(replace(replace(replace(?1," +
	" '[', '[[]'), '*', '[*]'), '?', '[?]'), '!!', '[!]'), '!_', '_'), '%', '*'), '!*', '%')"

// sqliteIncrement builds the increment statement's new value of an
// existing live row. t is the stored value as text; it is a counter when
// it holds no NUL (text functions would stop there), starts with a digit
// or with "-" and a digit, and holds only digits after its first
// character. Its digits without sign and leading zeros must fit int64,
// checked as text because SQLite's CAST saturates, and so must the sum,
// checked before adding because SQLite's + turns to floating point on
// overflow. A value failing the first test becomes NULL, which the NOT
// NULL column refuses; one failing the others becomes a blob larger than
// SQLite holds. Either fails the statement, leaving the row as it was.
// The size of that blob depends on the row, so that SQLite cannot
// compute it once for the whole statement ahead of the CASE.
func sqliteIncrement() string {
	const (
		t      = "CAST(c.v AS TEXT)"
		neg    = "(" + t + " GLOB '-*')"
		digits = "ltrim(substr(" + t + ", 1 + " + neg + "), '0')"
		n      = "CAST(" + t + " AS INTEGER)"
	)
	return "CASE" +
		" WHEN instr(CAST(c.v AS BLOB), x'00') > 0 OR NOT (" + t + " GLOB '[0-9]*' OR " + t + " GLOB '-[0-9]*')" +
		" OR substr(" + t + ", 2) GLOB '*[^0-9]*' THEN NULL" +
		" WHEN length(" + digits + ") > 19 OR length(" + digits + ") = 19 AND " + digits +
		" > CASE WHEN " + neg + " THEN '9223372036854775808' ELSE '9223372036854775807' END" +
		" OR ?5 > 0 AND " + n + " > 9223372036854775807 - ?5" +
		" OR ?5 < 0 AND " + n + " < -9223372036854775807 - 1 - ?5" +
		" THEN zeroblob(9223372036854775807 - length(c.v) * 0)" +
		" ELSE CAST(CAST(" + n + " + ?5 AS TEXT) AS BLOB) END"
}

// sqliteStatements are the store's statements on SQLite. Add and
// Increment are each one INSERT ... ON CONFLICT DO UPDATE statement
// (Increment with RETURNING, SQLite 3.35 or later), atomic because SQLite
// runs one writing statement at a time.
func sqliteStatements(t string) statements {
	return statements{
		get: query{"SELECT v, ea FROM " + t + " WHERE k = ?1", []param{pKey}},
		set: query{
			"INSERT INTO " + t + " (k, v, ea) VALUES (?1, ?2, ?3)" +
				" ON CONFLICT (k) DO UPDATE SET v = excluded.v, ea = excluded.ea",
			[]param{pKey, pValue, pExpiry},
		},
		add: query{
			"INSERT INTO " + t + " AS c (k, v, ea) VALUES (?1, ?2, ?3)" +
				" ON CONFLICT (k) DO UPDATE SET v = excluded.v, ea = excluded.ea WHERE c.ea <= ?4",
			[]param{pKey, pValue, pExpiry, pNow},
		},
		increment: query{
			"INSERT INTO " + t + " AS c (k, v, ea) VALUES (?1, ?2, ?3)" +
				" ON CONFLICT (k) DO UPDATE SET" +
				" v = CASE WHEN c.ea <= ?4 THEN excluded.v ELSE " + sqliteIncrement() + " END," +
				" ea = CASE WHEN c.ea <= ?4 OR ?6 THEN excluded.ea ELSE c.ea END" +
				" RETURNING v",
			[]param{pKey, pDeltaText, pExpiry, pNow, pDelta, pTouch},
		},
		deleteKey: query{"DELETE FROM " + t + " WHERE k = ?1", []param{pKey}},
		compareAndDelete: query{
			"DELETE FROM " + t + " WHERE k = ?1 AND v = ?2 AND ea > ?3",
			[]param{pKey, pValue, pNow},
		},
		flushBatch: query{
			"DELETE FROM " + t + " WHERE k IN (SELECT k FROM " + t +
				" WHERE k GLOB " + sqliteGlob + " LIMIT ?2)",
			[]param{pPattern, pLimit},
		},
		sweepBatch: query{
			"DELETE FROM " + t + " WHERE k IN (SELECT k FROM " + t +
				" WHERE ea <= ?1 LIMIT ?2) AND ea <= ?1",
			[]param{pNow, pLimit},
		},
		list: query{
			"SELECT k, length(CAST(v AS BLOB)), ea FROM " + t + " WHERE k GLOB " + sqliteGlob +
				" AND ea > ?2 ORDER BY k COLLATE BINARY LIMIT ?3 OFFSET ?4",
			[]param{pPattern, pNow, pLimit, pOffset},
		},
	}
}

// sqliteCoder is implemented by modernc.org/sqlite's *Error, whose Code
// is the extended result code (the driver enables them), letting this
// package read it without depending on the driver.
type sqliteCoder interface{ Code() int }

func sqliteClassify(err error) error {
	var se sqliteCoder
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() {
	case sqliteConstraintNotNull:
		return fmt.Errorf("%w: %v", cachecore.ErrNotNumeric, err)
	case sqliteTooBig:
		return fmt.Errorf("%w: %v", cachecore.ErrCounterOverflow, err)
	}
	return nil
}

// sqliteMissingTable reports SQLite's error for a statement on a table
// that is gone. SQLite reports it with the generic SQLITE_ERROR code, so
// the message, which SQLite neither translates nor varies, tells it from
// the others.
func sqliteMissingTable(err error) bool {
	var se sqliteCoder
	return errors.As(err, &se) && se.Code() == sqliteError && strings.Contains(err.Error(), "no such table")
}
