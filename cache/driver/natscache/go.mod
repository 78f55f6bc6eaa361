module github.com/seed3c1b93bc/groupcache/cache/driver/natscache

go 1.26.0

require (
	github.com/nats-io/nats.go v1.43.0
	github.com/seed3c1b93bc/groupcache/cache v0.1.0
)

require (
	github.com/klauspost/compress v1.18.0 // indirect
	github.com/nats-io/nkeys v0.4.11 // indirect
	github.com/nats-io/nuid v1.0.1 // indirect
	github.com/seed3c1b93bc/groupcache v0.1.0 // indirect
	golang.org/x/crypto v0.47.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)

replace (
	github.com/seed3c1b93bc/groupcache => ../../../
	github.com/seed3c1b93bc/groupcache/cache => ../../
)
