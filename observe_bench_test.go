package groupcache

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// BenchmarkGetHitHooks is BenchmarkGetHit with hooks attached that count
// every operation: hits must cost what they cost without them, since
// they call no hook.
func BenchmarkGetHitHooks(b *testing.B) {
	g := benchGroup(b, 64<<20, strings.Repeat("v", 64))
	var ops atomic.Int64
	g.registry.AddHooks(Hooks{
		Start: func(ctx context.Context, op Op) (context.Context, func(error)) {
			ops.Add(1)
			return ctx, func(error) {}
		},
		Inject:  func(context.Context, http.Header) {},
		Extract: func(ctx context.Context, _ http.Header) context.Context { return ctx },
	})
	keys := warmKeys(g)
	loads := ops.Load()
	benchHits(b, g, keys)
	if ops.Load() != loads {
		b.Fatalf("hits called hooks %d times", ops.Load()-loads)
	}
}
