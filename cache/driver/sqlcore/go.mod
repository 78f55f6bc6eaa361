module github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore

go 1.26.0

require github.com/seed3c1b93bc/groupcache/cache v0.1.0

require github.com/klauspost/compress v1.18.0 // indirect

replace (
	github.com/seed3c1b93bc/groupcache => ../../../
	github.com/seed3c1b93bc/groupcache/cache => ../../
)
