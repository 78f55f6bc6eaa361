package kubernetes

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
)

// Source is what HTTPPool.Discover takes.
var _ groupcache.PeerSource = (*Source)(nil)

// wait bounds every wait for the informer: long enough for a loaded
// machine, short enough that a lost event fails the test rather than
// hanging it.
const wait = 20 * time.Second

const (
	testNS   = "cache"
	testSvc  = "groupcache"
	testSelf = "http://10.0.0.99:8080"
)

func ptr[T any](v T) *T { return &v }

// endpointSlice returns an EndpointSlice of service in testNS listing eps
// on a port named "peer" numbered 8080.
func endpointSlice(name, service string, eps ...discoveryv1.Endpoint) *discoveryv1.EndpointSlice {
	return &discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{
			Name:      name,
			Namespace: testNS,
			Labels:    map[string]string{discoveryv1.LabelServiceName: service},
		},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports:       []discoveryv1.EndpointPort{{Name: ptr("peer"), Port: ptr(int32(8080))}},
		Endpoints:   eps,
	}
}

// ep returns an endpoint at addr whose Ready condition is ready.
func ep(addr string, ready *bool) discoveryv1.Endpoint {
	return discoveryv1.Endpoint{
		Addresses:  []string{addr},
		Conditions: discoveryv1.EndpointConditions{Ready: ready},
	}
}

// A watch is a Source's Watch running in the background.
type watch struct {
	updates chan []string
	done    chan error
	cancel  context.CancelFunc
}

// startWatch runs src.Watch until the test ends.
func startWatch(t *testing.T, src *Source) *watch {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &watch{updates: make(chan []string), done: make(chan error, 1), cancel: cancel}
	go func() {
		w.done <- src.Watch(ctx, func(peers []string) {
			select {
			case w.updates <- peers:
			case <-ctx.Done():
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-w.done:
		case <-time.After(wait):
			t.Error("Watch did not return after its context was cancelled")
		}
	})
	return w
}

// next returns the next list the watch reports.
func (w *watch) next(t *testing.T) []string {
	t.Helper()
	select {
	case peers := <-w.updates:
		if len(peers) == 0 {
			t.Fatal("Watch reported an empty list")
		}
		return peers
	case err := <-w.done:
		t.Fatalf("Watch returned %v before reporting", err)
	case <-time.After(wait):
		t.Fatalf("no update within %v", wait)
	}
	return nil
}

// newSource returns a Source on a fake clientset holding objs, with cfg's
// unset required fields filled in.
func newSource(t *testing.T, cfg Config, objs ...*discoveryv1.EndpointSlice) (*Source, kubernetes.Interface) {
	t.Helper()
	client := fake.NewClientset()
	for _, o := range objs {
		if _, err := client.DiscoveryV1().EndpointSlices(o.Namespace).Create(context.Background(), o, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if cfg.Namespace == "" {
		cfg.Namespace = testNS
	}
	if cfg.Service == "" {
		cfg.Service = testSvc
	}
	if cfg.Self == "" {
		cfg.Self = testSelf
	}
	if cfg.PortName == "" && cfg.Port == 0 {
		cfg.PortName = "peer"
	}
	cfg.Clientset = client
	src, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return src, client
}
