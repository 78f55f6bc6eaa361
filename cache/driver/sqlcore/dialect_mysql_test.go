package sqlcore

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// mysqlcache's tests run the MySQL dialect against MariaDB; these need no
// database.

func TestMySQLColumnTypes(t *testing.T) {
	for _, c := range []struct {
		name, typ string
		ok        bool
	}{
		{"k", "varbinary(255)", true},
		{"k", "varbinary(1024)", true},
		{"k", "varbinary(64)", false}, // would cut keys short
		{"k", "varchar(255)", false},  // a collation may fold case
		{"k", "text", false},
		{"v", "longblob", true},
		{"v", "blob", false},
		{"ea", "bigint", true},
		{"ea", "bigint(20)", true},
		{"ea", "bigint(20) unsigned", false},
		{"ea", "int(11)", false},
		{"x", "bigint", false},
	} {
		if got := mysqlColumnType(c.name, c.typ); got != c.ok {
			t.Errorf("mysqlColumnType(%q, %q) = %v, want %v", c.name, c.typ, got, c.ok)
		}
	}
}

// TestMySQLStatementsMatchTheirParams counts the positional placeholders
// of each statement against its params, which MySQL cannot name: a param
// used twice must be listed twice.
func TestMySQLStatementsMatchTheirParams(t *testing.T) {
	d := mysql()
	q := d.statements("t")
	for name, x := range map[string]query{
		"get": q.get, "set": q.set, "add": q.add, "lock": q.lock, "deleteKey": q.deleteKey,
		"compareAndDelete": q.compareAndDelete, "flushBatch": q.flushBatch,
		"sweepBatch": q.sweepBatch, "list": q.list, "columns": d.columns, "expiryIndex": d.expiryIndex,
	} {
		if n := strings.Count(x.text, "?"); n != len(x.args) {
			t.Errorf("%s has %d placeholders and %d params: %s", name, n, len(x.args), x.text)
		}
	}
	if q.increment.text != "" || !d.lockedIncrement {
		t.Error("the MySQL dialect must increment in a transaction, having no RETURNING")
	}
}

// driverError has the shape of go-sql-driver's *mysql.MySQLError, which
// this package cannot import; mysqlcache's tests use the real one.
type driverError struct {
	Number   uint16
	SQLState [5]byte
	Message  string
}

func (e *driverError) Error() string { return e.Message }

type otherNumber struct{ Number int }

func (e *otherNumber) Error() string { return "other" }

func TestMySQLErrorNumberFollowsWrapping(t *testing.T) {
	gone := &driverError{Number: mysqlNoSuchTable, Message: "no such table"}
	for _, err := range []error{
		gone,
		fmt.Errorf("sqlcore: get: %w", gone),
		fmt.Errorf("a: %w: %w", errors.New("deadline"), gone),
		errors.Join(errors.New("x"), fmt.Errorf("y: %w", gone)),
	} {
		if n, ok := mysqlErrorNumber(err); !ok || n != mysqlNoSuchTable {
			t.Errorf("mysqlErrorNumber(%v) = %d, %v", err, n, ok)
		}
		if !mysql().missingTable(err) {
			t.Errorf("missingTable(%v) = false", err)
		}
	}
	for _, err := range []error{nil, errors.New("Error 1146: no such table"), &otherNumber{Number: 1146},
		(*driverError)(nil), &driverError{Number: 1062}} {
		if mysql().missingTable(err) {
			t.Errorf("missingTable(%v) = true", err)
		}
	}
}
