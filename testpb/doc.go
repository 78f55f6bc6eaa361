// Package testpb holds protocol buffer messages used by groupcache's tests,
// generated from test.proto.
//
// It replaces github.com/golang/groupcache/testpb with the same messages
// and field numbers. The code is generated with google.golang.org/protobuf's
// protoc-gen-go, so messages no longer expose XXX_ fields.
package testpb

//go:generate go run github.com/seed3c1b93bc/groupcache/internal/protogen test.proto
