package otelgroupcache

import (
	"context"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/seed3c1b93bc/groupcache"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// start is the Hooks.Start of an Instrumentation: a span around the
// operation and, when it ends, a point in the operation's histogram.
func (in *Instrumentation) start(ctx context.Context, op groupcache.Op) (context.Context, func(error)) {
	attrs := make([]attribute.KeyValue, 0, 5)
	if op.Group != "" {
		attrs = append(attrs, AttrGroup.String(op.Group))
	}
	var hist metric.Float64Histogram
	kind := trace.SpanKindInternal
	name := "groupcache." + op.Kind.String()
	switch op.Kind {
	case groupcache.OpLoad:
		hist = in.hist.load
	case groupcache.OpGetter:
		hist = in.hist.getter
	case groupcache.OpPeerGet, groupcache.OpPeerSet, groupcache.OpPeerRemove:
		hist, kind = in.hist.peerRequest, trace.SpanKindClient
		operation := peerOperation(op.Kind)
		name = "groupcache.peer." + operation
		attrs = append(attrs, AttrOperation.String(operation))
		attrs = append(attrs, serverAttrs(op.Peer)...)
	case groupcache.OpServe:
		hist, kind = in.hist.serverRequest, trace.SpanKindServer
		operation := serveOperation(op.Method)
		name = "groupcache.serve." + operation
		attrs = append(attrs, AttrOperation.String(operation))
	}
	began := time.Now()
	ctx, span := in.tracer.Start(ctx, name, trace.WithSpanKind(kind), trace.WithAttributes(attrs...))
	return ctx, func(err error) {
		elapsed := time.Since(began).Seconds()
		if t := groupcache.ErrorType(err); t != "" {
			attrs = append(attrs, AttrErrorType.String(t))
			span.SetAttributes(AttrErrorType.String(t))
			// A key without a value is an answer, not a failure.
			if t != "not_found" {
				span.SetStatus(codes.Error, t)
				span.RecordError(err)
			}
		}
		if hist != nil {
			hist.Record(ctx, elapsed, metric.WithAttributes(attrs...))
		}
		span.End()
	}
}

func peerOperation(k groupcache.OpKind) string {
	switch k {
	case groupcache.OpPeerSet:
		return "set"
	case groupcache.OpPeerRemove:
		return "remove"
	}
	return "get"
}

func serveOperation(method string) string {
	switch method {
	case "GET":
		return "get"
	case "PUT":
		return "set"
	case "DELETE":
		return "remove"
	}
	return "other" // a request the pool refuses
}

// serverAttrs returns server.address and server.port of a peer's base
// URL.
func serverAttrs(peer string) []attribute.KeyValue {
	u, err := url.Parse(peer)
	if err != nil || u.Host == "" {
		return []attribute.KeyValue{AttrServerAddress.String(peer)}
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		return []attribute.KeyValue{AttrServerAddress.String(u.Host)}
	}
	attrs := []attribute.KeyValue{AttrServerAddress.String(host)}
	if n, err := strconv.Atoi(port); err == nil {
		attrs = append(attrs, AttrServerPort.Int(n))
	}
	return attrs
}
