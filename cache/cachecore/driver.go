package cachecore

// Driver names the kind of backend behind a Store. It is reported by
// Store.Driver and surfaced in observer events so that metrics can be split
// by backend. The values are those of goforj/cache, so dashboards and code
// that compare against the strings keep working after a migration.
type Driver string

// Drivers of the stores shipped with the cache module.
const (
	// DriverMemory is an in-process map.
	DriverMemory Driver = "memory"
	// DriverFile keeps one file per entry in a directory.
	DriverFile Driver = "file"
	// DriverNull discards every write; reads always miss.
	DriverNull Driver = "null"
	// DriverGroup is backed by a groupcache Group spread over a ring of peers.
	DriverGroup Driver = "group"
)

// Drivers of stores kept in separate modules, one per backend. Every SQL
// database reports DriverSQL, whichever engine (PostgreSQL, MySQL, SQLite)
// is behind it.
const (
	// DriverRedis is a Redis or Redis-protocol server.
	DriverRedis Driver = "redis"
	// DriverMemcached is a memcached server or cluster.
	DriverMemcached Driver = "memcached"
	// DriverNATS is a NATS JetStream key/value bucket.
	DriverNATS Driver = "nats"
	// DriverDynamo is an Amazon DynamoDB table.
	DriverDynamo Driver = "dynamodb"
	// DriverSQL is a table in a SQL database.
	DriverSQL Driver = "sql"
)
