// Package postgrescache is a cachecore.Store on a PostgreSQL table, for
// the cache facade: build one with New and pass it to cache.NewCache. It
// is sqlcore with pgx's database/sql driver (github.com/jackc/pgx/v5's
// stdlib, registered as "pgx"); see package sqlcore for the table, the
// semantics and what holds across processes.
//
// On PostgreSQL, Add and Increment are each one INSERT ... ON CONFLICT
// statement (Increment with RETURNING), atomic at the default READ
// COMMITTED isolation: the conflicting row is locked and the update
// applies to its latest version. The key column is TEXT, as in
// goforj/cache's table; created by this package it uses the "C"
// collation, so keys compare and sort byte by byte and prefix matches use
// the primary key's index. TEXT cannot hold NUL bytes or invalid UTF-8,
// so a key holding them, or the byte 0x01, is stored with each such byte
// escaped as 0x01 and two hex digits; every other key is stored as it
// is. Keys are limited to 2048 bytes (after that escaping), below what
// the primary key's index holds; longer ones get sqlcore.ErrInvalidKey.
package postgrescache
