package sqlcore

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// postgresMaxKeyBytes bounds keys below what a B-tree index entry of the
// primary key can hold (about 2700 bytes); a longer key would fail on the
// server with a message about index row size.
const postgresMaxKeyBytes = 2048

// postgresMaxValueBytes is the largest BYTEA value: 1 GiB less a byte.
const postgresMaxValueBytes = 1<<30 - 1

// SQLSTATE codes the store tells apart.
const (
	pgInvalidTextRepresentation = "22P02"
	pgNumericValueOutOfRange    = "22003"
	pgUndefinedTable            = "42P01"
)

// postgres is the dialect of PostgreSQL (driver names "pgx" and
// "postgres"). Its table keeps goforj/cache's layout (k TEXT, v BYTEA,
// ea BIGINT), with k in the "C" collation when this package creates the
// table, so that keys compare and sort byte by byte and prefix patterns
// can use the primary key's index.
func postgres() *dialect {
	return &dialect{
		name:        "postgres",
		placeholder: func(n int) string { return "$" + strconv.Itoa(n) },
		statements:  postgresStatements,
		schema: func(table string) []string {
			return []string{
				"CREATE TABLE IF NOT EXISTS " + table +
					` (k TEXT COLLATE "C" PRIMARY KEY, v BYTEA NOT NULL, ea BIGINT NOT NULL)`,
				"CREATE INDEX IF NOT EXISTS " + indexName(table) + " ON " + table + " (ea)",
			}
		},
		// to_regclass resolves the name as the statements will, folding
		// case and following search_path, and is NULL for a missing table.
		columns: query{
			text: "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a" +
				" WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
			args: []param{pTable},
		},
		columnType: func(name, typ string) bool {
			switch name {
			case "k":
				return typ == "text" || strings.HasPrefix(typ, "character varying")
			case "v":
				return typ == "bytea"
			case "ea":
				return typ == "bigint"
			}
			return false
		},
		mapKey:        textKey,
		unmapKey:      untextKey,
		maxKeyBytes:   postgresMaxKeyBytes,
		maxValueBytes: postgresMaxValueBytes,
		classify:      postgresClassify,
		missingTable: func(err error) bool {
			var se sqlStater
			return errors.As(err, &se) && se.SQLState() == pgUndefinedTable
		},
	}
}

// postgresStatements are the store's statements on PostgreSQL. Add and
// Increment are each one INSERT ... ON CONFLICT statement, which
// PostgreSQL runs atomically at any isolation level: the conflicting row
// is locked and the update applies to its latest version, so concurrent
// increments all count.
func postgresStatements(t string) statements {
	return statements{
		get: query{"SELECT v, ea FROM " + t + " WHERE k = $1", []param{pKey}},
		set: query{
			"INSERT INTO " + t + " (k, v, ea) VALUES ($1, $2, $3)" +
				" ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, ea = EXCLUDED.ea",
			[]param{pKey, pValue, pExpiry},
		},
		add: query{
			"INSERT INTO " + t + " AS c (k, v, ea) VALUES ($1, $2, $3)" +
				" ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, ea = EXCLUDED.ea WHERE c.ea <= $4",
			[]param{pKey, pValue, pExpiry, pNow},
		},
		// encode(v, 'escape') is v as text that is never invalid UTF-8; a
		// value not matching the counter syntax is replaced by text that
		// fails the cast to bigint with 22P02, and a sum leaving bigint
		// fails with 22003.
		increment: query{
			"INSERT INTO " + t + " AS c (k, v, ea) VALUES ($1, $2, $3)" +
				" ON CONFLICT (k) DO UPDATE SET" +
				" v = CASE WHEN c.ea <= $4 THEN EXCLUDED.v ELSE convert_to(((CASE" +
				` WHEN encode(c.v, 'escape') ~ '^-?[0-9]+$' THEN encode(c.v, 'escape')` +
				" ELSE 'not a counter' END)::bigint + $5::bigint)::text, 'UTF8') END," +
				" ea = CASE WHEN c.ea <= $4 OR $6::boolean THEN EXCLUDED.ea ELSE c.ea END" +
				" RETURNING v",
			[]param{pKey, pDeltaText, pExpiry, pNow, pDelta, pTouch},
		},
		deleteKey: query{"DELETE FROM " + t + " WHERE k = $1", []param{pKey}},
		compareAndDelete: query{
			"DELETE FROM " + t + " WHERE k = $1 AND v = $2 AND ea > $3",
			[]param{pKey, pValue, pNow},
		},
		flushBatch: query{
			"DELETE FROM " + t + " WHERE k IN (SELECT k FROM " + t +
				" WHERE k LIKE $1 ESCAPE '!' LIMIT $2)",
			[]param{pPattern, pLimit},
		},
		// The outer condition is checked again on a row that changed
		// since the subquery saw it, so a row Set anew survives.
		sweepBatch: query{
			"DELETE FROM " + t + " WHERE k IN (SELECT k FROM " + t +
				" WHERE ea <= $1 LIMIT $2) AND ea <= $1",
			[]param{pNow, pLimit},
		},
		list: query{
			"SELECT k, octet_length(v), ea FROM " + t + " WHERE k LIKE $1 ESCAPE '!' AND ea > $2" +
				` ORDER BY k COLLATE "C" LIMIT $3 OFFSET $4`,
			[]param{pPattern, pNow, pLimit, pOffset},
		},
	}
}

// sqlStater is implemented by pgx's *pgconn.PgError, which lets this
// package read SQLSTATE codes without depending on a driver.
type sqlStater interface{ SQLState() string }

func postgresClassify(err error) error {
	var se sqlStater
	if !errors.As(err, &se) {
		return nil
	}
	switch se.SQLState() {
	case pgInvalidTextRepresentation:
		return fmt.Errorf("%w: %v", cachecore.ErrNotNumeric, err)
	case pgNumericValueOutOfRange:
		return fmt.Errorf("%w: %v", cachecore.ErrCounterOverflow, err)
	}
	return nil
}
