module github.com/seed3c1b93bc/groupcache/cache/driver/postgrescache

go 1.26.0

require (
	github.com/jackc/pgx/v5 v5.8.0
	github.com/seed3c1b93bc/groupcache/cache v0.1.0
	github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore v0.1.0
)

require (
	github.com/davecgh/go-spew v1.1.2-0.20180830191138-d8f796af33cc // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.2 // indirect
	github.com/klauspost/compress v1.18.0 // indirect
	github.com/pmezard/go-difflib v1.0.1-0.20181226105442-5d4384ee4fb2 // indirect
	github.com/seed3c1b93bc/groupcache v0.1.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/text v0.33.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)

replace (
	github.com/seed3c1b93bc/groupcache => ../../../
	github.com/seed3c1b93bc/groupcache/cache => ../../
	github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore => ../sqlcore
)
