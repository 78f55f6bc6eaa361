package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// Errors that [New] returns for a Config it cannot watch with, ErrPort
// and ErrNoNamespace wrapped with the offending values or the cause;
// test with errors.Is.
var (
	ErrNoService   = errors.New("kubernetes discovery: Config.Service is empty")
	ErrNoSelf      = errors.New("kubernetes discovery: Config.Self is empty")
	ErrPort        = errors.New("kubernetes discovery: set exactly one of Config.PortName and Config.Port, the port in 1-65535")
	ErrNoNamespace = errors.New("kubernetes discovery: Config.Namespace is empty and the pod's namespace is unknown")
)

// namespaceFile is where Kubernetes mounts the namespace of a pod's
// service account, which is the pod's own namespace.
const namespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

// Config says which Service's endpoints a [Source] reports and how it
// turns each into a base URL. Service, Self and one of PortName and Port
// are required; the zero value of every other field works in a pod.
type Config struct {
	// Namespace is the Service's namespace. Empty means the pod's own,
	// read from its service account.
	Namespace string

	// Service names the Service whose EndpointSlices list the peers,
	// usually a headless Service selecting the pool's pods.
	Service string

	// PortName names the port of the Service (as its EndpointSlices
	// list it) that peers serve the pool on. Port is the number instead,
	// for a Service that declares no ports. Set exactly one.
	PortName string
	Port     int32

	// Scheme is the scheme of the base URLs, "http" when empty.
	Scheme string

	// Self is this peer's base URL, reported whether or not its pod is
	// ready yet, so that the pool never loses itself. It must be spelled
	// as the Source spells endpoints; see [BaseURL].
	Self string

	// Clientset is the client to watch with. Nil means one built from
	// the pod's in-cluster configuration.
	Clientset kubernetes.Interface
}

// A Source reports the base URLs of the ready endpoints of a Service.
// It satisfies the engine's PeerSource interface. Its methods may be
// called concurrently; each Watch watches on its own.
type Source struct {
	namespace, service, portName, scheme, self string
	port                                       int32
	client                                     kubernetes.Interface
}

// New returns a Source for cfg, or an error wrapping one of the package's
// Err variables, or the client's, if cfg cannot be watched with.
// It contacts no server: RBAC or network trouble shows in Watch.
func New(cfg Config) (*Source, error) {
	if cfg.Service == "" {
		return nil, ErrNoService
	}
	if cfg.Self == "" {
		return nil, ErrNoSelf
	}
	if (cfg.PortName == "") == (cfg.Port == 0) || cfg.Port < 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("%w (PortName %q, Port %d)", ErrPort, cfg.PortName, cfg.Port)
	}
	s := &Source{
		namespace: cfg.Namespace,
		service:   cfg.Service,
		portName:  cfg.PortName,
		port:      cfg.Port,
		scheme:    cfg.Scheme,
		self:      cfg.Self,
		client:    cfg.Clientset,
	}
	if s.scheme == "" {
		s.scheme = "http"
	}
	if s.namespace == "" {
		b, err := os.ReadFile(namespaceFile)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNoNamespace, err)
		}
		if s.namespace = strings.TrimSpace(string(b)); s.namespace == "" {
			return nil, fmt.Errorf("%w: %s is empty", ErrNoNamespace, namespaceFile)
		}
	}
	if s.client == nil {
		rc, err := rest.InClusterConfig()
		if err != nil {
			return nil, fmt.Errorf("kubernetes discovery: in-cluster config: %w", err)
		}
		if s.client, err = kubernetes.NewForConfig(rc); err != nil {
			return nil, fmt.Errorf("kubernetes discovery: client: %w", err)
		}
	}
	return s, nil
}

// Watch calls update with the sorted base URLs of the Service's ready
// endpoints, Self always among them, once the first full list of its
// EndpointSlices has arrived and then whenever the URLs change, until ctx
// is done; it then returns ctx.Err(). Calls to update are sequential,
// from Watch's goroutine, and never pass an empty list; update owns the
// slice it is given.
//
// A failing list or watch (a missing RBAC grant, an unreachable API
// server) is retried with backoff and logged by client-go, rather than
// returned: a pool keeps its last peers meanwhile, and a grant added
// later takes effect without a restart.
func (s *Source) Watch(ctx context.Context, update func(peers []string)) error {
	ctx, cancel := context.WithCancel(ctx)
	selector := labels.SelectorFromSet(labels.Set{discoveryv1.LabelServiceName: s.service})
	factory := informers.NewSharedInformerFactoryWithOptions(s.client, 0,
		informers.WithNamespace(s.namespace),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) {
			o.LabelSelector = selector.String()
		}))
	// Deferred in this order so that the informers are told to stop
	// before Shutdown waits for them.
	defer factory.Shutdown()
	defer cancel()

	epSlices := factory.Discovery().V1().EndpointSlices()
	informer, lister := epSlices.Informer(), epSlices.Lister()

	// The handler only marks the list stale; recomputing it here, from
	// the whole cache, keeps update off client-go's goroutines and folds
	// a burst of events into one call.
	stale := make(chan struct{}, 1)
	mark := func() {
		select {
		case stale <- struct{}{}:
		default:
		}
	}
	if _, err := informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { mark() },
		UpdateFunc: func(any, any) { mark() },
		DeleteFunc: func(any) { mark() },
	}); err != nil {
		return fmt.Errorf("kubernetes discovery: %w", err)
	}
	factory.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), informer.HasSynced) {
		return ctx.Err()
	}

	var last []string
	for {
		// The lister filters again because a watch is not bound to
		// honour the label selector (client-go's fake does not).
		list, err := lister.EndpointSlices(s.namespace).List(selector)
		if err != nil {
			return fmt.Errorf("kubernetes discovery: %w", err)
		}
		if peers := peerURLs(list, s.scheme, s.portName, s.port, s.self); !slices.Equal(peers, last) {
			last = peers
			update(slices.Clone(peers))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-stale:
		}
	}
}
