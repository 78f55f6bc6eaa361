// Package sqlcore is a cachecore.Store on a table of a SQL database,
// through database/sql, for the cache facade: build one with New and pass
// it to cache.NewCache. It holds the SQL of every database it supports,
// one dialect each, selected by Config.DriverName, and depends on no
// driver: the program imports the driver (the postgrescache package does
// for PostgreSQL).
//
// Its Config and New have the shape of goforj/cache's sqlcore, and its
// table has the same layout (k the key, v the value bytes, ea the expiry
// in Unix milliseconds, in table "cache_entries" by default, keys stored
// as Prefix + ":" + key with Prefix "app" and a 5 minute DefaultTTL when
// unset), so processes using either share a table. This package adds an
// index on ea, for the sweep; it adds it to an existing table too.
//
// Everything that must hold across processes holds in the database:
//
//   - Add is one INSERT that does nothing on conflict unless the existing
//     row has expired, so one caller wins;
//   - Increment and Decrement are one upsert returning the new value:
//     every increment counts, a positive ttl restarts the counter's
//     lifetime as goforj/cache's drivers do, and a value that is not a
//     counter (cachecore.ErrNotNumeric) or a sum leaving int64
//     (cachecore.ErrCounterOverflow) fails the statement without changing
//     the row;
//   - releasing a lock is DELETE ... WHERE k = ? AND v = ?;
//   - an expired row is never returned, and a background sweep deletes
//     expired rows in bounded batches until Config.Context is done;
//   - Flush deletes the rows under the store's Prefix, matched with LIKE
//     with the prefix's own wildcards escaped, and nothing else. goforj's
//     Flush empties the whole table; this one leaves other prefixes alone.
//
// Every statement is parameterized and prepared once, on first use, and
// no connection is held between calls. The table name is the only text
// written into statements, and only after passing an allow-list (see
// ErrInvalidTable). The store implements cachecore.Inspector (listing
// with sizes and expiries, one query per page), cachecore.ExpiryGetter,
// cachecore.PrefixFlusher and cachecore.CompareAndDeleter. Operations end
// at their context's deadline with an error wrapping the context's, and
// after the database restarts the same store works again.
package sqlcore
