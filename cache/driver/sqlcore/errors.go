package sqlcore

import "errors"

// Errors of this package. Operations wrap them with detail, so compare
// with errors.Is.
var (
	// ErrNoDatabase is returned by New, and by every operation of the
	// store it returns, for a Config with neither DSN nor DB.
	ErrNoDatabase = errors.New("sqlcore: no database: set Config.DSN or Config.DB")
	// ErrUnknownDriver is returned for a DriverName this package has no
	// dialect for.
	ErrUnknownDriver = errors.New("sqlcore: unknown driver name")
	// ErrInvalidTable is returned for a table name outside the allow-list:
	// one or two dot-separated identifiers of ASCII letters, digits and
	// underscores, not starting with a digit, each at most
	// maxIdentifierBytes long. Such a name cannot change a statement's
	// meaning, so it is written into statements as it is.
	ErrInvalidTable = errors.New("sqlcore: invalid table name")
	// ErrTableLayout is returned by every operation when the table exists
	// without the columns the store needs (k, v and ea of suitable
	// types); the error names what is missing or wrong. The store never
	// alters or drops such a table.
	ErrTableLayout = errors.New("sqlcore: table layout unusable")
	// ErrInvalidKey is returned for a key the database cannot store, such
	// as one longer than its key column or, on PostgreSQL, one holding a
	// NUL byte; nothing is sent.
	ErrInvalidKey = errors.New("sqlcore: key cannot be stored")
	// ErrFlushIncomplete is returned by Flush and FlushPrefix when rows
	// kept matching after maxFlushBatches batches, because other writers
	// kept adding them.
	ErrFlushIncomplete = errors.New("sqlcore: flush stopped before the prefix was empty")
)
