package sqlcore

import (
	"reflect"
	"strconv"
	"strings"
)

// mysqlMaxKeyBytes is the width of the key column, VARBINARY(255) as in
// goforj/cache's table. A longer key would fail on a server in strict
// mode and be cut short, into another key, on one that is not.
const mysqlMaxKeyBytes = 255

// mysqlNoSuchTable is the server's error number for a table that does
// not exist (ER_NO_SUCH_TABLE).
const mysqlNoSuchTable = 1146

// mysqlMaxValueBytes is the largest value stored: MariaDB's default
// max_allowed_packet (16 MiB; MySQL 8's is 64 MiB) less room for the rest
// of the packet that carries it. The server refuses a row it cannot send
// in one packet, so this is the limit a default server keeps; a server
// configured lower fails larger values with its own error.
const mysqlMaxValueBytes = 16<<20 - 1<<10

// mysql is the dialect of MySQL and MariaDB (driver name "mysql"). Its
// table keeps goforj/cache's layout (k VARBINARY(255), v LONGBLOB,
// ea BIGINT): a binary key compares, sorts and matches LIKE byte by byte,
// case-sensitively, and holds any key, so keys are stored as they are.
//
// It is written for both databases: it avoids what only MariaDB has
// (RETURNING, CREATE INDEX IF NOT EXISTS) and what only MySQL 8 has
// (INSERT ... AS alias), so Increment is a transaction (see
// store.incrementLocked) and the expiry index is looked up before it is
// created.
func mysql() *dialect {
	return &dialect{
		name:        "mysql",
		placeholder: func(int) string { return "?" },
		statements:  mysqlStatements,
		schema: func(table string) []string {
			return []string{
				"CREATE TABLE IF NOT EXISTS " + table +
					" (k VARBINARY(255) NOT NULL PRIMARY KEY, v LONGBLOB NOT NULL, ea BIGINT NOT NULL," +
					" INDEX " + indexName(table) + " (ea)) ENGINE=InnoDB",
				"CREATE INDEX " + indexName(table) + " ON " + table + " (ea)",
			}
		},
		// The name is the only parameter, so the derived table p names it
		// once for the three uses; an unqualified name is in the
		// connection's database, as it is for the statements.
		columns: query{
			text: "SELECT c.COLUMN_NAME, c.COLUMN_TYPE FROM information_schema.COLUMNS c, (SELECT ? AS n) p" +
				" WHERE " + mysqlTableIs("c", "p.n"),
			args: []param{pTable},
		},
		columnType: mysqlColumnType,
		expiryIndex: query{
			text: "SELECT 1 FROM information_schema.STATISTICS s, (SELECT ? AS n) p" +
				" WHERE " + mysqlTableIs("s", "p.n") + " AND s.COLUMN_NAME = 'ea' AND s.SEQ_IN_INDEX = 1 LIMIT 1",
			args: []param{pTable},
		},
		missingTable: func(err error) bool {
			n, ok := mysqlErrorNumber(err)
			return ok && n == mysqlNoSuchTable
		},
		lockedIncrement: true,
		maxKeyBytes:     mysqlMaxKeyBytes,
		maxValueBytes:   mysqlMaxValueBytes,
	}
}

// mysqlTableIs is the condition that the information_schema row alias
// describes the table named by the SQL expression name, qualified by its
// database or in the connection's.
func mysqlTableIs(alias, name string) string {
	return alias + ".TABLE_SCHEMA = IF(LOCATE('.', " + name + ") > 0, SUBSTRING_INDEX(" + name + ", '.', 1), DATABASE())" +
		" AND " + alias + ".TABLE_NAME = SUBSTRING_INDEX(" + name + ", '.', -1)"
}

// mysqlColumnType accepts the column types of goforj/cache's table, and a
// wider key column; it refuses a narrower one, which would cut keys short
// on a server not in strict mode, and a text key, whose collation may
// fold case and so join keys.
func mysqlColumnType(name, typ string) bool {
	switch name {
	case "k":
		w, ok := strings.CutPrefix(typ, "varbinary(")
		if !ok {
			return false
		}
		n, err := strconv.Atoi(strings.TrimSuffix(w, ")"))
		return err == nil && n >= mysqlMaxKeyBytes
	case "v":
		return typ == "longblob"
	case "ea":
		// MariaDB and MySQL before 8.0.19 show a display width.
		return typ == "bigint" || typ == "bigint(20)"
	}
	return false
}

// mysqlStatements are the store's statements on MySQL and MariaDB. In ON
// DUPLICATE KEY UPDATE, VALUES(c) is the value the INSERT gave column c,
// and assignments apply left to right, each seeing those before it: add
// therefore assigns v before ea, whose old value both conditions test.
// MySQL 8.0.20 deprecates VALUES() for a row alias MariaDB lacks; it
// still runs there, with a warning.
func mysqlStatements(t string) statements {
	return statements{
		get: query{"SELECT v, ea FROM " + t + " WHERE k = ?", []param{pKey}},
		set: query{
			"INSERT INTO " + t + " (k, v, ea) VALUES (?, ?, ?)" +
				" ON DUPLICATE KEY UPDATE v = VALUES(v), ea = VALUES(ea)",
			[]param{pKey, pValue, pExpiry},
		},
		// Affects 1 row when it inserts, 2 when it replaces an expired
		// row and 0 when it leaves a live one: the driver must not report
		// found rows instead (go-sql-driver's clientFoundRows).
		add: query{
			"INSERT INTO " + t + " (k, v, ea) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE" +
				" v = IF(ea <= ?, VALUES(v), v), ea = IF(ea <= ?, VALUES(ea), ea)",
			[]param{pKey, pValue, pExpiry, pNow, pNow},
		},
		lock:      query{"SELECT v, ea FROM " + t + " WHERE k = ? FOR UPDATE", []param{pKey}},
		deleteKey: query{"DELETE FROM " + t + " WHERE k = ?", []param{pKey}},
		compareAndDelete: query{
			"DELETE FROM " + t + " WHERE k = ? AND v = ? AND ea > ?",
			[]param{pKey, pValue, pNow},
		},
		// MySQL deletes with a LIMIT directly (it has no LIMIT in an IN
		// subquery); the condition is checked on each row as it is locked,
		// so a row Set anew while the sweep runs survives it.
		flushBatch: query{
			"DELETE FROM " + t + " WHERE k LIKE ? ESCAPE '!' ORDER BY k LIMIT ?",
			[]param{pPattern, pLimit},
		},
		sweepBatch: query{
			"DELETE FROM " + t + " WHERE ea <= ? ORDER BY ea LIMIT ?",
			[]param{pNow, pLimit},
		},
		list: query{
			"SELECT k, OCTET_LENGTH(v), ea FROM " + t + " WHERE k LIKE ? ESCAPE '!' AND ea > ?" +
				" ORDER BY k LIMIT ? OFFSET ?",
			[]param{pPattern, pNow, pLimit, pOffset},
		},
	}
}

// mysqlErrorNumber returns the server's error number carried by the first
// error in err's tree that has one: go-sql-driver's *mysql.MySQLError, a
// struct with a uint16 field Number. That type has no method returning
// the number, so it is read through reflection, which keeps this package
// free of the driver (importing it would register it in every program
// using sqlcore).
func mysqlErrorNumber(err error) (uint16, bool) {
	if err == nil {
		return 0, false
	}
	if v := reflect.ValueOf(err); v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
		if f := v.Elem().FieldByName("Number"); f.IsValid() && f.Kind() == reflect.Uint16 {
			return uint16(f.Uint()), true
		}
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return mysqlErrorNumber(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if n, ok := mysqlErrorNumber(e); ok {
				return n, true
			}
		}
	}
	return 0, false
}
