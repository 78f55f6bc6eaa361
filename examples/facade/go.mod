// Unreleased: a demonstration of the cache facade, run from a checkout with
// go run ./examples/facade.

module github.com/seed3c1b93bc/groupcache/examples/facade

go 1.26.0

require (
	github.com/seed3c1b93bc/groupcache v0.1.0
	github.com/seed3c1b93bc/groupcache/cache v0.1.0
)

require (
	github.com/klauspost/compress v1.18.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)

// The sibling modules come from this checkout in development and CI; users'
// builds ignore replace directives and fetch the versions required above.
replace (
	github.com/seed3c1b93bc/groupcache => ../..
	github.com/seed3c1b93bc/groupcache/cache => ../../cache
)
