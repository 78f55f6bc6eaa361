module github.com/seed3c1b93bc/groupcache/cache/driver/rediscache

go 1.26.0

require (
	github.com/redis/go-redis/v9 v9.7.3
	github.com/seed3c1b93bc/groupcache/cache v0.1.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/dgryski/go-rendezvous v0.0.0-20200823014737-9f7001d12a5f // indirect
	github.com/klauspost/compress v1.18.0 // indirect
	github.com/seed3c1b93bc/groupcache v0.1.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)

replace (
	github.com/seed3c1b93bc/groupcache => ../../../
	github.com/seed3c1b93bc/groupcache/cache => ../../
)
