// Unreleased: API and wire compatibility tests against golang/groupcache; nothing
// imports this module.

module github.com/seed3c1b93bc/groupcache/compat

go 1.26.0

require (
	github.com/golang/groupcache v0.0.0-20241129210726-2c02b8208cf8
	github.com/seed3c1b93bc/groupcache v0.1.0
)

require (
	github.com/golang/protobuf v1.5.4 // indirect
	github.com/hashicorp/golang-lru/v2 v2.0.7 // indirect
	golang.org/x/sync v0.24.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)

// The sibling modules come from this checkout in development and CI; users'
// builds ignore replace directives and fetch the versions required above.
replace github.com/seed3c1b93bc/groupcache => ../
