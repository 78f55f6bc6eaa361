module github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore

go 1.26.0

require github.com/seed3c1b93bc/groupcache/cache v0.1.0

require (
	github.com/klauspost/compress v1.18.0 // indirect
	github.com/seed3c1b93bc/groupcache v0.1.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)

replace (
	github.com/seed3c1b93bc/groupcache => ../../../
	github.com/seed3c1b93bc/groupcache/cache => ../../
)
