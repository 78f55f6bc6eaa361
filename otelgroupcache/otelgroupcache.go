// Package otelgroupcache reports what a groupcache Registry does to
// OpenTelemetry: every figure of groupcache.Stats and CacheStats of every
// group, read when metrics are collected; histograms of the time loads,
// Getter runs and requests between peers take; and a span for each of
// those, carried from the peer that asks to the peer that owns the key in
// W3C traceparent headers, so that one trace shows the caller, the peer
// request and the owner's Getter.
//
//	inst, err := otelgroupcache.Instrument(registry, nil) // global providers
//	if err != nil { ... }
//	defer inst.Close()
//
// Cache hits cost nothing more: their counters are the engine's own, read
// by the metrics callback, and no span is made for them. Only the work a
// miss causes is timed and traced. No attribute carries a key.
//
// The package uses only the OpenTelemetry API; the program chooses the SDK
// and exporters.
package otelgroupcache

import (
	"context"
	"errors"
	"net/http"

	"github.com/seed3c1b93bc/groupcache"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the meter and tracer.
const ScopeName = "github.com/seed3c1b93bc/groupcache/otelgroupcache"

// Options are the settings of Instrument. The zero value selects every
// default.
type Options struct {
	// MeterProvider makes the meter. If nil, it is the global one,
	// otel.GetMeterProvider().
	MeterProvider metric.MeterProvider

	// TracerProvider makes the tracer. If nil, it is the global one,
	// otel.GetTracerProvider().
	TracerProvider trace.TracerProvider

	// Propagator writes the trace context into requests to peers and
	// reads it from theirs. If nil, it is W3C Trace Context
	// (propagation.TraceContext), which every peer must then use.
	Propagator propagation.TextMapPropagator
}

// An Instrumentation is the metrics and tracing of one Registry, from
// Instrument until Close.
type Instrumentation struct {
	reg         *groupcache.Registry
	tracer      trace.Tracer
	propagator  propagation.TextMapPropagator
	hist        histograms
	callback    metric.Registration
	removeHooks func()
}

// Instrument starts reporting the groups of reg, those made later
// included, and the requests of the HTTPPool bound to reg; o may be nil.
// It fails only if the meter refuses an instrument.
func Instrument(reg *groupcache.Registry, o *Options) (*Instrumentation, error) {
	var opts Options
	if o != nil {
		opts = *o
	}
	if opts.MeterProvider == nil {
		opts.MeterProvider = otel.GetMeterProvider()
	}
	if opts.TracerProvider == nil {
		opts.TracerProvider = otel.GetTracerProvider()
	}
	if opts.Propagator == nil {
		opts.Propagator = propagation.TraceContext{}
	}
	meter := opts.MeterProvider.Meter(ScopeName)
	in := &Instrumentation{
		reg:        reg,
		tracer:     opts.TracerProvider.Tracer(ScopeName),
		propagator: opts.Propagator,
	}
	var err error
	if in.hist, err = newHistograms(meter); err != nil {
		return nil, err
	}
	if in.callback, err = registerObservers(meter, reg); err != nil {
		return nil, err
	}
	in.removeHooks = reg.AddHooks(groupcache.Hooks{
		Start: in.start,
		Inject: func(ctx context.Context, h http.Header) {
			in.propagator.Inject(ctx, propagation.HeaderCarrier(h))
		},
		Extract: func(ctx context.Context, h http.Header) context.Context {
			return in.propagator.Extract(ctx, propagation.HeaderCarrier(h))
		},
	})
	return in, nil
}

// Close stops the reporting: the metrics callback is unregistered and no
// more spans are made. Operations in progress end as they began.
func (in *Instrumentation) Close() error {
	in.removeHooks()
	return errors.Join(in.callback.Unregister())
}
