module github.com/seed3c1b93bc/groupcache/bench

go 1.24

require (
	github.com/golang/groupcache v0.0.0-20241129210726-2c02b8208cf8
	github.com/seed3c1b93bc/groupcache v0.0.0-00010101000000-000000000000
)

require (
	github.com/klauspost/compress v1.18.0 // indirect
	golang.org/x/sync v0.12.0 // indirect
)

require (
	github.com/golang/protobuf v1.5.4 // indirect
	github.com/seed3c1b93bc/groupcache/cache v0.0.0-00010101000000-000000000000
	google.golang.org/protobuf v1.36.12 // indirect
)

replace github.com/seed3c1b93bc/groupcache => ../

replace github.com/seed3c1b93bc/groupcache/cache => ../cache
