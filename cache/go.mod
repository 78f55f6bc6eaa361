module github.com/seed3c1b93bc/groupcache/cache

go 1.24

require (
	github.com/klauspost/compress v1.18.0
	github.com/seed3c1b93bc/groupcache v0.0.0-00010101000000-000000000000
)

require google.golang.org/protobuf v1.36.12 // indirect

replace github.com/seed3c1b93bc/groupcache => ../
