module github.com/seed3c1b93bc/groupcache/cache/driver/memcachedcache

go 1.24

require github.com/seed3c1b93bc/groupcache/cache v0.1.0

replace (
	github.com/seed3c1b93bc/groupcache => ../../../
	github.com/seed3c1b93bc/groupcache/cache => ../../
)
