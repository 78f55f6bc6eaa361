package kubernetes_test

import (
	"context"
	"fmt"
	"log"

	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/seed3c1b93bc/groupcache/discovery/kubernetes"
)

// A Source reports the ready endpoints of a Service, and always the
// peer itself. Here a fake clientset stands in for the cluster; in a pod,
// leave Clientset and Namespace unset.
func Example() {
	ready, notReady := true, false
	port, name := int32(8080), "peer"
	client := fake.NewClientset(&discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{
			Name:      "cache-abc12",
			Namespace: "default",
			Labels:    map[string]string{discoveryv1.LabelServiceName: "cache"},
		},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports:       []discoveryv1.EndpointPort{{Name: &name, Port: &port}},
		Endpoints: []discoveryv1.Endpoint{
			{Addresses: []string{"10.1.0.7"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}},
			{Addresses: []string{"10.1.0.9"}, Conditions: discoveryv1.EndpointConditions{Ready: &notReady}},
		},
	})

	src, err := kubernetes.New(kubernetes.Config{
		Namespace: "default",
		Service:   "cache",
		PortName:  "peer",
		Self:      kubernetes.BaseURL("http", "10.1.0.3", 8080),
		Clientset: client,
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	// A pool would be given src with pool.Discover(ctx, src); here the
	// first list is printed and the watch stopped.
	err = src.Watch(ctx, func(peers []string) {
		fmt.Println(peers)
		cancel()
	})
	fmt.Println(err)
	// Output:
	// [http://10.1.0.3:8080 http://10.1.0.7:8080]
	// context canceled
}

func ExampleBaseURL() {
	fmt.Println(kubernetes.BaseURL("http", "10.1.0.3", 8080))
	fmt.Println(kubernetes.BaseURL("https", "fd00::3", 8443))
	// Output:
	// http://10.1.0.3:8080
	// https://[fd00::3]:8443
}
