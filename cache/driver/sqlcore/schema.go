package sqlcore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// maxIdentifierBytes bounds each part of a table name, leaving room for
// the "_ea_idx" of the index name within the 63 bytes PostgreSQL keeps of
// an identifier (and the 64 of MySQL), so that no name is cut short into
// another table's.
const maxIdentifierBytes = 48

// validTable checks name against the allow-list ErrInvalidTable states.
func validTable(name string) error {
	parts := strings.Split(name, ".")
	if len(parts) > 2 {
		return fmt.Errorf("%w: %q has more than two parts", ErrInvalidTable, name)
	}
	for _, p := range parts {
		if p == "" || len(p) > maxIdentifierBytes {
			return fmt.Errorf("%w: %q: each part must be 1 to %d bytes", ErrInvalidTable, name, maxIdentifierBytes)
		}
		for i := 0; i < len(p); i++ {
			c := p[i]
			letter := c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
			if !letter && !(i > 0 && '0' <= c && c <= '9') {
				return fmt.Errorf("%w: %q: only ASCII letters, digits (not first) and _ are allowed", ErrInvalidTable, name)
			}
		}
	}
	return nil
}

// indexName is the name of table's expiry index: its last part followed
// by "_ea_idx", unqualified, because the index lives in its table's schema.
func indexName(table string) string {
	return table[strings.LastIndexByte(table, '.')+1:] + "_ea_idx"
}

// EnsureSchema creates table in db, with the index on its expiry column,
// unless they exist, and checks that an existing table has the columns
// the store needs; driverName selects the dialect as in Config. A store
// does this itself on first use; call EnsureSchema to do it at a time of
// your choosing, such as deployment, with an account allowed to.
//
// A table of goforj/cache's layout (k, v, ea, without the index) gets the
// index and is used as it is. A table lacking one of the columns, or
// holding one of an unsuitable type, is left alone and the error, wrapping
// ErrTableLayout, names the column.
func EnsureSchema(ctx context.Context, db *sql.DB, driverName, table string) error {
	d, err := dialectFor(driverName)
	if err != nil {
		return err
	}
	if table == "" {
		table = DefaultTable
	}
	if err := validTable(table); err != nil {
		return err
	}
	return ensureSchema(ctx, db, d, table)
}

// schemaAttempts bounds the retries of creating the schema: two processes
// creating the same table at once can make one of them fail (PostgreSQL
// reports a duplicate in its catalog), and the next attempt finds it.
const schemaAttempts = 3

func ensureSchema(ctx context.Context, db *sql.DB, d *dialect, table string) error {
	var err error
	for range schemaAttempts {
		if err = createSchema(ctx, db, d, table); err == nil || ctx.Err() != nil {
			break
		}
		if errors.Is(err, ErrTableLayout) {
			return err
		}
	}
	if err != nil {
		return fail(ctx, "ensure schema", err)
	}
	return nil
}

func createSchema(ctx context.Context, db *sql.DB, d *dialect, table string) error {
	cols, err := columns(ctx, db, d, table)
	if err != nil {
		return err
	}
	stmts := d.schema(table)
	if len(cols) > 0 {
		if err := checkLayout(d, table, cols); err != nil {
			return err
		}
		// The table exists: only the index may be missing.
		stmts = stmts[1:]
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// columns returns the type of each column of table, by name; an empty map
// when the table is absent.
func columns(ctx context.Context, db *sql.DB, d *dialect, table string) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, d.columns.text, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols := make(map[string]string)
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, err
		}
		cols[strings.ToLower(name)] = strings.ToLower(typ)
	}
	return cols, rows.Err()
}

// checkLayout reports, wrapping ErrTableLayout, every column of the cache
// layout that cols lacks or holds with a type the dialect refuses.
func checkLayout(d *dialect, table string, cols map[string]string) error {
	var problems []string
	for _, name := range []string{"k", "v", "ea"} {
		typ, ok := cols[name]
		switch {
		case !ok:
			problems = append(problems, "no column "+name)
		case !d.columnType(name, typ):
			problems = append(problems, fmt.Sprintf("column %s has type %s", name, typ))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	slices.Sort(problems)
	return fmt.Errorf("%w: %s table %s: %s (want k the key, v the value bytes, ea the expiry in Unix milliseconds)",
		ErrTableLayout, d.name, table, strings.Join(problems, ", "))
}
