module github.com/seed3c1b93bc/groupcache/compat

go 1.24

replace github.com/seed3c1b93bc/groupcache => ../

require (
	github.com/golang/groupcache v0.0.0-20241129210726-2c02b8208cf8
	github.com/seed3c1b93bc/groupcache v0.0.0-00010101000000-000000000000
)

require (
	github.com/golang/protobuf v1.5.4 // indirect
	github.com/hashicorp/golang-lru/v2 v2.0.7 // indirect
	golang.org/x/sync v0.12.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)
