package sqlcore

import (
	"strings"
)

// A dialect is what differs between the databases the store runs on: the
// text of each statement, the schema, and how the database's errors map to
// the Store contract's. The store itself is written once against
// database/sql and runs whatever statements its dialect gives it.
//
// To add a database, write a function returning its dialect in a file
// dialect_<name>.go and add its driver names to dialectFor. A dialect's
// statements must keep the contracts documented on statements. The store
// builds every LIKE pattern with likeQuote, so a dialect's LIKE must be
// byte-exact and case-sensitive and name likeEscape in its ESCAPE clause.
type dialect struct {
	// name is the database's name, used in errors.
	name string

	// placeholder returns the marker of the n-th (1-based) parameter of a
	// statement: "$1" for PostgreSQL, "?" for MySQL and SQLite.
	placeholder func(n int) string

	// statements returns every statement of the store for table, a name
	// validTable accepted, which the dialect may write into the text as it
	// is (it can never quote its way out).
	statements func(table string) statements

	// schema returns the statements that create table and its expiry index
	// when they are absent, run in order by EnsureSchema: the first creates
	// the table and is skipped when it exists; the others (the index) run
	// on an existing table too, which is how a table of goforj/cache's
	// layout gets the index. Each must be a no-op when its object exists
	// (IF NOT EXISTS), because several processes may run them at once.
	schema func(table string) []string

	// columns lists the columns of table as rows of (name, type), with
	// pTable as its only parameter; no rows means the table is absent.
	columns query

	// columnType reports whether a column named name (one of k, v and ea)
	// with the type columns reported can hold what the store writes there.
	columnType func(name, typ string) bool

	// mapKey maps a key to the text the key column holds, for a database
	// whose key column cannot hold every byte string; unmapKey maps the
	// text back. The mapping must be injective, keep a key that needs no
	// mapping as it is (so that goforj/cache's processes find it), and map
	// a key starting with a prefix ending on a UTF-8 boundary to text
	// starting with the prefix's mapping (so that prefix patterns match).
	// Nil for both stores keys as they are.
	mapKey   func(key string) string
	unmapKey func(text string) string

	// maxKeyBytes is the longest key text (after mapKey) the key column
	// and its index hold; a longer key gets ErrInvalidKey before it is
	// sent. Zero means no limit.
	maxKeyBytes int

	// maxValueBytes is the largest value the value column holds; larger
	// values get cachecore.ErrValueTooLarge before they are sent. Zero
	// means no limit.
	maxValueBytes int

	// lockedIncrement, when set, makes Increment a transaction of
	// statements.lock and the set and add statements instead of the
	// increment statement, which, with classify, is then unused; see
	// store.incrementLocked. It is for a database that cannot add to a
	// counter and return the sum in one statement (MySQL: no RETURNING).
	lockedIncrement bool

	// expiryIndex, when its text is set, returns a row when the expiry
	// index of the table named by its only parameter, pTable, exists; the
	// index statements of schema then run only when it returns none. It
	// is for a database without CREATE INDEX IF NOT EXISTS (MySQL): a
	// schema statement that fails because another process created the
	// index meanwhile is retried (see schemaAttempts) and finds it.
	expiryIndex query

	// classify maps an error of the increment statement to the Store
	// contract's: one wrapping cachecore.ErrNotNumeric for a stored value
	// that is not a counter, cachecore.ErrCounterOverflow for a result
	// outside int64, or nil when err is something else. It should decide
	// on the driver's error code (errors.As to an interface the driver's
	// error type implements), not on its message.
	classify func(err error) error

	// missingTable reports whether err says the table does not exist,
	// as after someone dropped it; the store then creates it again on
	// its next call. Nil means never.
	missingTable func(err error) bool
}

// param names one argument of a statement. The store computes each from
// the call's arguments; a query lists them in the order of its
// placeholders, so a dialect whose placeholders are positional ("?") can
// use one argument twice by listing it twice.
type param uint8

const (
	// pKey is the stored key, a string.
	pKey param = iota
	// pValue is the value, []byte: what Set and Add write, and what
	// compare-and-delete compares with.
	pValue
	// pExpiry is the expiry of the row written, in Unix milliseconds
	// (int64); never is noExpiry.
	pExpiry
	// pNow is the current time in Unix milliseconds (int64). A row whose
	// ea <= pNow has expired: it is never returned and Add and Increment
	// treat it as absent.
	pNow
	// pDelta is Increment's delta (int64).
	pDelta
	// pDeltaText is pDelta in base-10 ASCII ([]byte): the value of a
	// counter the increment creates.
	pDeltaText
	// pTouch is true (bool) when Increment was given a ttl > 0, so that
	// an existing counter's expiry becomes pExpiry; when false it keeps
	// its own.
	pTouch
	// pPattern is a LIKE pattern escaped with likeEscape (string).
	pPattern
	// pLimit bounds the rows a statement touches or returns (int64).
	pLimit
	// pOffset is the number of rows a listing skips (int64).
	pOffset
	// pTable is the table's name as Config.Table gave it (string).
	pTable
)

// query is one statement and the params of its placeholders, in order.
type query struct {
	text string
	args []param
}

// statements holds the store's statements. Each documents what it must do
// and return; the store prepares each once, on first use, together with
// the deleteMany it builds itself.
type statements struct {
	// get returns the row of pKey, its only parameter, as (v, ea),
	// expired or not: the store checks ea itself, so that one statement
	// also serves GetWithExpiry.
	get query
	// set writes (pKey, pValue, pExpiry), replacing any row of pKey.
	set query
	// add writes (pKey, pValue, pExpiry) when no row of pKey exists or it
	// has expired (ea <= pNow), atomically, and affects no row otherwise:
	// the store reports creation when RowsAffected is positive.
	add query
	// increment adds pDelta to the counter of pKey, atomically, and
	// returns its new value (v) in one row: one statement, an upsert with
	// RETURNING where the database has it (a database without one sets
	// lockedIncrement instead). An absent or expired row
	// becomes (pKey, pDeltaText, pExpiry). Otherwise v must be base-10
	// ASCII text of an int64, optionally signed with '-' and nothing else
	// (strconv.ParseInt's syntax, without '+'): other text, and a sum
	// leaving int64, fail the statement with an error classify maps; and
	// ea becomes pExpiry when pTouch, else it stays.
	increment query
	// lock returns the row of pKey, its only parameter, as (v, ea), like
	// get, and locks it until the transaction ends; only a dialect with
	// lockedIncrement has it.
	lock query
	// deleteKey deletes the row of pKey, its only parameter.
	deleteKey query
	// compareAndDelete deletes the row of pKey when its v equals pValue
	// and it has not expired (ea > pNow); RowsAffected tells whether it did.
	compareAndDelete query
	// flushBatch deletes at most pLimit rows whose k matches pPattern,
	// expired or not, and nothing else.
	flushBatch query
	// sweepBatch deletes at most pLimit rows with ea <= pNow; a row written
	// anew while it runs (its ea now in the future) must survive.
	sweepBatch query
	// list returns (k, length of v in bytes, ea) of the rows whose k
	// matches pPattern and ea > pNow, ordered by k byte by byte, skipping
	// pOffset rows and returning at most pLimit.
	list query
}

// deleteManyBatch is the number of keys one deleteMany statement names; a
// shorter list repeats its first key, so that one prepared statement
// serves every length.
const deleteManyBatch = 32

// deleteMany returns the statement deleting the rows of deleteManyBatch
// keys, each placeholder a pKey.
func (d *dialect) deleteMany(table string) string {
	var b strings.Builder
	b.WriteString("DELETE FROM " + table + " WHERE k IN (")
	for i := 1; i <= deleteManyBatch; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		b.WriteString(d.placeholder(i))
	}
	b.WriteString(")")
	return b.String()
}

// likeEscape is the escape character of every LIKE pattern. It is not a
// backslash, whose meaning inside string literals differs between
// databases (MySQL reads it as an escape of its own).
const likeEscape = '!'

// likeQuote escapes the characters LIKE treats as a pattern, so that s
// matches only itself.
func likeQuote(s string) string {
	if !strings.ContainsAny(s, "%_!") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '%', '_', likeEscape:
			b.WriteByte(likeEscape)
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// likePrefix is the pattern of the keys starting with prefix.
func likePrefix(prefix string) string { return likeQuote(prefix) + "%" }

// likeWithin is the pattern of the keys starting with prefix and
// containing term after it.
func likeWithin(prefix, term string) string {
	return likeQuote(prefix) + "%" + likeQuote(term) + "%"
}
