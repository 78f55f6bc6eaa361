module github.com/seed3c1b93bc/groupcache/cache

go 1.23.0

require (
	github.com/klauspost/compress v1.18.0
	golang.org/x/sync v0.12.0
)
