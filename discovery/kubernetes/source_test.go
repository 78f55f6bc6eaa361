package kubernetes

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/rest"
)

func wantPeers(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("peers = %q, want %q", got, want)
	}
}

func TestWatchReportsReadyEndpointsAndSelf(t *testing.T) {
	terminating := ep("10.0.0.5", ptr(true))
	terminating.Conditions.Terminating = ptr(true)
	src, _ := newSource(t, Config{}, endpointSlice("a", testSvc,
		ep("10.0.0.2", ptr(true)),
		ep("10.0.0.1", nil), // unknown readiness counts as ready
		ep("10.0.0.3", ptr(false)),
		terminating,
	))
	w := startWatch(t, src)
	wantPeers(t, w.next(t), "http://10.0.0.1:8080", "http://10.0.0.2:8080", testSelf)
}

func TestWatchFollowsAddUpdateAndDelete(t *testing.T) {
	ctx := context.Background()
	src, client := newSource(t, Config{})
	api := client.DiscoveryV1().EndpointSlices(testNS)
	w := startWatch(t, src)
	wantPeers(t, w.next(t), testSelf)

	s := endpointSlice("a", testSvc, ep("10.0.0.1", ptr(true)), ep("10.0.0.2", ptr(false)))
	s, err := api.Create(ctx, s, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantPeers(t, w.next(t), "http://10.0.0.1:8080", testSelf)

	s.Endpoints[1].Conditions.Ready = ptr(true)
	if s, err = api.Update(ctx, s, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	wantPeers(t, w.next(t), "http://10.0.0.1:8080", "http://10.0.0.2:8080", testSelf)

	s.Endpoints[0].Conditions.Ready = ptr(false)
	if _, err = api.Update(ctx, s, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	wantPeers(t, w.next(t), "http://10.0.0.2:8080", testSelf)

	if err := api.Delete(ctx, "a", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	wantPeers(t, w.next(t), testSelf)
}

// Changes that leave the URLs as they were must not reach the pool,
// which would otherwise rebuild its ring for nothing. The relevant
// change made after them must be the next update.
func TestWatchReportsOnlyChanges(t *testing.T) {
	ctx := context.Background()
	s := endpointSlice("a", testSvc, ep("10.0.0.1", ptr(true)))
	src, client := newSource(t, Config{}, s)
	api := client.DiscoveryV1().EndpointSlices(testNS)
	w := startWatch(t, src)
	wantPeers(t, w.next(t), "http://10.0.0.1:8080", testSelf)

	s.Endpoints = append(s.Endpoints, ep("10.0.0.2", ptr(false)))
	s.Labels["unrelated"] = "yes"
	s, err := api.Update(ctx, s, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.Create(ctx, endpointSlice("other", "another-service", ep("10.0.0.7", ptr(true))), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	s.Endpoints[1].Conditions.Ready = ptr(true)
	if _, err := api.Update(ctx, s, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	wantPeers(t, w.next(t), "http://10.0.0.1:8080", "http://10.0.0.2:8080", testSelf)
}

func TestWatchMergesSlicesOfTheService(t *testing.T) {
	other := endpointSlice("elsewhere", testSvc, ep("10.9.0.1", ptr(true)))
	other.Namespace = "other-namespace"
	src, _ := newSource(t, Config{},
		endpointSlice("b", testSvc, ep("10.0.0.3", ptr(true)), ep("10.0.0.1", ptr(true))),
		endpointSlice("a", testSvc, ep("10.0.0.2", ptr(true)), ep("10.0.0.1", ptr(true))),
		endpointSlice("c", "another-service", ep("10.0.0.7", ptr(true))),
		other,
		// Self's own endpoint, once ready, must not appear twice.
		endpointSlice("d", testSvc, ep("10.0.0.99", ptr(true))),
	)
	w := startWatch(t, src)
	wantPeers(t, w.next(t), "http://10.0.0.1:8080", "http://10.0.0.2:8080", "http://10.0.0.3:8080", testSelf)
}

func TestWatchBracketsIPv6Addresses(t *testing.T) {
	s := endpointSlice("v6", testSvc, ep("fd00::1", ptr(true)), ep("fd00::2", ptr(true)))
	s.AddressType = discoveryv1.AddressTypeIPv6
	src, _ := newSource(t, Config{Self: "http://[fd00::99]:8080"}, s)
	w := startWatch(t, src)
	wantPeers(t, w.next(t), "http://[fd00::1]:8080", "http://[fd00::2]:8080", "http://[fd00::99]:8080")
}

// A named port is resolved per slice: during a rollout two slices may
// map the name to different numbers, and a slice lacking the name
// serves no peer.
func TestWatchResolvesNamedPortPerSlice(t *testing.T) {
	moved := endpointSlice("moved", testSvc, ep("10.0.0.2", ptr(true)))
	moved.Ports = []discoveryv1.EndpointPort{
		{Name: ptr("metrics"), Port: ptr(int32(9090))},
		{Name: ptr("peer"), Port: ptr(int32(8081))},
	}
	unnamed := endpointSlice("unnamed", testSvc, ep("10.0.0.3", ptr(true)))
	unnamed.Ports = []discoveryv1.EndpointPort{{Name: ptr("metrics"), Port: ptr(int32(9090))}}
	src, _ := newSource(t, Config{Scheme: "https", Self: "https://10.0.0.99:8080"},
		endpointSlice("a", testSvc, ep("10.0.0.1", ptr(true))), moved, unnamed)
	w := startWatch(t, src)
	wantPeers(t, w.next(t), "https://10.0.0.1:8080", "https://10.0.0.2:8081", "https://10.0.0.99:8080")
}

// A numbered port is used as it is, so a headless Service that declares
// no ports, whose slices list none, still yields peers.
func TestWatchUsesNumberedPort(t *testing.T) {
	s := endpointSlice("a", testSvc, ep("10.0.0.1", ptr(true)))
	s.Ports = nil
	src, _ := newSource(t, Config{Port: 9000, Self: "http://10.0.0.99:9000"}, s)
	w := startWatch(t, src)
	wantPeers(t, w.next(t), "http://10.0.0.1:9000", "http://10.0.0.99:9000")
}

func TestWatchReturnsContextError(t *testing.T) {
	src, _ := newSource(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	reported := make(chan struct{}, 1)
	go func() {
		done <- src.Watch(ctx, func([]string) { reported <- struct{}{} })
	}()
	select {
	case <-reported:
	case <-time.After(wait):
		t.Fatalf("no update within %v", wait)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Watch returned %v, want context.Canceled", err)
		}
	case <-time.After(wait):
		t.Fatal("Watch did not return after its context was cancelled")
	}
}

func TestNewRejectsUnusableConfig(t *testing.T) {
	client := fake.NewClientset()
	good := Config{Namespace: testNS, Service: testSvc, PortName: "peer", Self: testSelf, Clientset: client}
	for _, tc := range []struct {
		name   string
		change func(*Config)
		want   error
	}{
		{"no service", func(c *Config) { c.Service = "" }, ErrNoService},
		{"no self", func(c *Config) { c.Self = "" }, ErrNoSelf},
		{"no port", func(c *Config) { c.PortName = "" }, ErrPort},
		{"both ports", func(c *Config) { c.Port = 8080 }, ErrPort},
		{"port too large", func(c *Config) { c.PortName, c.Port = "", 65536 }, ErrPort},
		{"negative port", func(c *Config) { c.PortName, c.Port = "", -1 }, ErrPort},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.change(&cfg)
			if _, err := New(cfg); !errors.Is(err, tc.want) {
				t.Fatalf("New: %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := New(good); err != nil {
		t.Fatalf("New(good): %v", err)
	}
}

// Outside a pod neither the namespace nor the in-cluster config exists;
// New says which is missing instead of watching nothing.
func TestNewOutsideAPod(t *testing.T) {
	if _, err := os.Stat(namespaceFile); err == nil {
		t.Skip("running in a pod")
	}
	if _, err := New(Config{Service: testSvc, PortName: "peer", Self: testSelf}); !errors.Is(err, ErrNoNamespace) {
		t.Fatalf("New without a namespace: %v, want ErrNoNamespace", err)
	}
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	_, err := New(Config{Namespace: testNS, Service: testSvc, PortName: "peer", Self: testSelf})
	if !errors.Is(err, rest.ErrNotInCluster) {
		t.Fatalf("New without a clientset outside a pod: %v, want rest.ErrNotInCluster", err)
	}
}
