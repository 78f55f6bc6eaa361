// Package groupcachepb holds the protocol buffer messages that groupcache
// peers exchange, generated from groupcache.proto.
//
// It replaces github.com/golang/groupcache/groupcachepb: GetRequest and
// GetResponse keep upstream's fields and field numbers, so the two
// implementations interoperate on the wire. GetResponse.Expire and
// SetRequest are additions that upstream peers ignore. The code is
// generated with google.golang.org/protobuf's protoc-gen-go rather than
// the deprecated github.com/golang/protobuf generator, so messages no
// longer expose XXX_ fields; use the proto package to marshal them.
package groupcachepb

//go:generate go run github.com/seed3c1b93bc/groupcache/internal/protogen groupcache.proto
