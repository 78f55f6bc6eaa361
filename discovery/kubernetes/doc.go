// Package kubernetes finds the peers of a groupcache pool running in a
// Kubernetes cluster, from the EndpointSlices of the Service that selects
// them.
//
// A [Source] watches those EndpointSlices and reports the base URL of
// every ready endpoint, so a pod joins the pool once its readiness probe
// passes and leaves it when it stops being ready or starts terminating.
// Its Watch method has the shape of the engine's PeerSource, so a pool
// follows the cluster with:
//
//	src, err := kubernetes.New(kubernetes.Config{
//		Service:  "cache",
//		PortName: "peer",
//		Self:     kubernetes.BaseURL("http", os.Getenv("POD_IP"), 8080),
//	})
//	...
//	go pool.Discover(ctx, src)
//
// The pod's service account needs list and watch on
// endpointslices.discovery.k8s.io in its namespace; examples/kubernetes
// in the repository has manifests that grant them.
package kubernetes
