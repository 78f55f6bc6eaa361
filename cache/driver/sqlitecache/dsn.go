package sqlitecache

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Errors of WithPragmas, and so of New.
var (
	// ErrPrivateDatabase is returned for a DSN under which each connection
	// of the pool would open a database of its own (":memory:",
	// "file::memory:" without cache=shared, an empty file name), and by
	// New for a Table in the temp schema, which is private to each
	// connection too: the table created on one connection would be
	// missing on the others.
	ErrPrivateDatabase = errors.New("sqlitecache: each connection would get a database of its own")
	// ErrNoDirectory is returned for a database file whose directory does
	// not exist: SQLite creates the file, not the directories above it.
	ErrNoDirectory = errors.New("sqlitecache: directory of the database file does not exist")
	// ErrDSN is returned for a DSN whose query string cannot be parsed.
	ErrDSN = errors.New("sqlitecache: malformed DSN")
)

// WithPragmas returns dsn with the settings the store needs added, as
// modernc.org/sqlite's _pragma parameters, which the driver runs on every
// connection it opens (a PRAGMA holds for one connection only):
//
//   - busy_timeout(busyTimeout in ms, DefaultBusyTimeout when zero): a
//     statement that finds the write lock taken waits for it, up to this
//     long or until its context ends, instead of failing at once;
//   - journal_mode(WAL), for a database in a file: readers read while one
//     writer writes, and a writer does not wait for readers;
//   - synchronous(NORMAL), with WAL: a commit survives the process
//     crashing, and the database is never corrupted, but the last commits
//     before a power failure may be lost, which a cache can afford, in
//     exchange for no fsync per write.
//
// Each is added only when dsn does not set it already, as a _pragma or as
// the driver's shorthand key (_busy_timeout, _journal_mode, _synchronous
// and their aliases), and the mode is left alone for a read-only URI
// (mode=ro), which cannot change it. Use the result for a pool passed as
// Config.DB; New applies it to Config.DSN itself.
//
// It returns an error wrapping ErrPrivateDatabase for a DSN under which
// every connection would open a private database, and one wrapping
// ErrNoDirectory when the file's directory does not exist. In-memory
// databases shared by the pool are accepted: "file::memory:?cache=shared"
// (one database for every connection of the process naming it, kept
// while one is open, with SQLite's shared-cache table locks, which the
// driver waits on until the context ends) and "file:/name?vfs=memdb".
func WithPragmas(dsn string, busyTimeout time.Duration) (string, error) {
	name, query, _ := strings.Cut(dsn, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %v", ErrDSN, dsn, err)
	}
	path, uri := strings.CutPrefix(name, "file:")
	if uri {
		if path, err = uriPath(path); err != nil {
			return "", fmt.Errorf("%w: %q: %v", ErrDSN, dsn, err)
		}
	}
	// SQLite reads mode, cache and vfs only from a URI; the driver reads
	// vfs from a plain name too.
	vfs := q.Get("vfs")
	memory := path == ":memory:" || uri && q.Get("mode") == "memory"
	shared := uri && q.Get("cache") == "shared"
	switch {
	case path == "":
		return "", fmt.Errorf("%w: %q names no file (SQLite opens a temporary database per connection)", ErrPrivateDatabase, dsn)
	case memory && !shared:
		return "", fmt.Errorf("%w: %q; use \"file::memory:?cache=shared\" for an in-memory database the pool shares, or a file",
			ErrPrivateDatabase, dsn)
	case vfs == "memdb" && !strings.HasPrefix(path, "/"):
		return "", fmt.Errorf("%w: %q; a memdb database is shared only when its name starts with \"/\"", ErrPrivateDatabase, dsn)
	case !memory && vfs == "":
		dir := filepath.Dir(path)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			if err == nil {
				err = errors.New("not a directory")
			}
			return "", fmt.Errorf("%w: %s: %v", ErrNoDirectory, dir, err)
		}
	}

	var add []string
	if !pragmaSet(q, "busy_timeout", "_busy_timeout", "_timeout") {
		if busyTimeout <= 0 {
			busyTimeout = DefaultBusyTimeout
		}
		// Rounded up: busy_timeout(0) would turn the wait off.
		ms := (busyTimeout + time.Millisecond - 1).Milliseconds()
		add = append(add, "busy_timeout("+strconv.FormatInt(ms, 10)+")")
	}
	inFile := !memory && vfs != "memdb"
	if inFile && q.Get("mode") != "ro" && !pragmaSet(q, "journal_mode", "_journal_mode", "_journal") {
		add = append(add, "journal_mode(WAL)")
		if !pragmaSet(q, "synchronous", "_synchronous", "_sync") {
			add = append(add, "synchronous(NORMAL)")
		}
	}
	if len(add) == 0 {
		return dsn, nil
	}
	var b strings.Builder
	b.WriteString(dsn)
	sep := byte('?')
	if strings.Contains(dsn, "?") {
		sep = '&'
	}
	for _, p := range add {
		b.WriteByte(sep)
		b.WriteString("_pragma=")
		b.WriteString(p)
		sep = '&'
	}
	return b.String(), nil
}

// uriPath returns the file name of the part of an SQLite URI after
// "file:": an authority ("//" and a host, empty or "localhost") is
// dropped and %-escapes are decoded, as SQLite does.
func uriPath(p string) (string, error) {
	if rest, ok := strings.CutPrefix(p, "//"); ok {
		host, path, _ := strings.Cut(rest, "/")
		if host != "" && host != "localhost" {
			return "", fmt.Errorf("authority %q: SQLite accepts only \"localhost\"", host)
		}
		p = "/" + path
	}
	return url.PathUnescape(p)
}

// pragmaSet reports whether q sets the pragma name as a _pragma value
// ("name(x)", "name=x") or through one of the driver's keys.
func pragmaSet(q url.Values, name string, keys ...string) bool {
	for _, k := range keys {
		if _, ok := q[k]; ok {
			return true
		}
	}
	for _, v := range q["_pragma"] {
		v = strings.ToLower(strings.TrimSpace(v))
		if i := strings.IndexAny(v, "(= "); i >= 0 {
			v = v[:i]
		}
		// A schema may qualify the pragma: "main.journal_mode".
		v = v[strings.LastIndexByte(v, '.')+1:]
		if v == name {
			return true
		}
	}
	return false
}
