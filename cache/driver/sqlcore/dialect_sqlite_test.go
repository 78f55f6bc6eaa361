package sqlcore

import (
	"errors"
	"fmt"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// The tests here need no database; sqlitecache's tests run the dialect
// on SQLite.

// codeError is an error with an SQLite result code, as the driver's.
type codeError struct {
	code int
	msg  string
}

func (e *codeError) Error() string { return e.msg }
func (e *codeError) Code() int     { return e.code }

func TestSQLiteColumnTypes(t *testing.T) {
	for _, c := range []struct {
		name, typ string
		ok        bool
	}{
		// goforj/cache's table, as pragma_table_info reports it.
		{"k", "text (nullable)", true}, {"v", "blob", true}, {"ea", "integer", true},
		{"k", "varchar(255)", true}, {"k", "clob", true}, {"ea", "bigint", true},
		{"v", "", true},
		{"v", "blob (nullable)", false}, {"v", "text", false}, {"v", "numeric", false},
		{"k", "integer", false}, {"k", "blob", false}, {"k", "point int", false},
		{"ea", "text", false}, {"ea", "real", false},
		{"x", "text", false},
	} {
		if got := sqliteColumnType(c.name, c.typ); got != c.ok {
			t.Errorf("sqliteColumnType(%q, %q) = %v, want %v", c.name, c.typ, got, c.ok)
		}
	}
}

func TestSQLiteErrorsByCode(t *testing.T) {
	notNull := &codeError{sqliteConstraintNotNull, "NOT NULL constraint failed: t.v"}
	tooBig := &codeError{sqliteTooBig, "string or blob too big"}
	if err := sqliteClassify(fmt.Errorf("step: %w", notNull)); !errors.Is(err, cachecore.ErrNotNumeric) {
		t.Errorf("classify(NOT NULL) = %v, want ErrNotNumeric", err)
	}
	if err := sqliteClassify(tooBig); !errors.Is(err, cachecore.ErrCounterOverflow) {
		t.Errorf("classify(TOOBIG) = %v, want ErrCounterOverflow", err)
	}
	for _, err := range []error{
		&codeError{19, "constraint failed"}, &codeError{sqliteError, "no such table: t"},
		errors.New("NOT NULL constraint failed"),
	} {
		if got := sqliteClassify(err); got != nil {
			t.Errorf("classify(%v) = %v, want nil", err, got)
		}
	}
	if !sqliteMissingTable(fmt.Errorf("prepare: %w", &codeError{sqliteError, "SQL logic error: no such table: t (1)"})) {
		t.Error("a missing table was not recognized")
	}
	for _, err := range []error{&codeError{sqliteError, "near \"x\": syntax error"}, errors.New("no such table: t")} {
		if sqliteMissingTable(err) {
			t.Errorf("sqliteMissingTable(%v) = true", err)
		}
	}
}

func TestSQLiteSchemaOfQualifiedTable(t *testing.T) {
	for table, want := range map[string]string{
		"c":      "CREATE INDEX IF NOT EXISTS c_ea_idx ON c (ea)",
		"main.c": "CREATE INDEX IF NOT EXISTS main.c_ea_idx ON c (ea)",
	} {
		if got := sqlite().schema(table)[1]; got != want {
			t.Errorf("index of %s: %q, want %q", table, got, want)
		}
	}
}
