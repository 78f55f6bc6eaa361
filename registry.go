package groupcache

import (
	"sync"
	"sync/atomic"
)

// A Registry is a set of uniquely named groups together with the hooks and
// the peer picker they share. Each peer of a cluster normally has one: the
// package-level functions (NewGroup, GetGroup, RegisterPeerPicker, ...)
// and NewHTTPPool use DefaultRegistry, as golang/groupcache uses its
// globals. A program that hosts several peers in one process, such as a
// test or a demo, gives each peer a Registry of its own, and an HTTPPool
// bound to it through HTTPPoolOptions.Registry.
//
// The zero value is not usable; call NewRegistry. A Registry is safe for
// concurrent use.
type Registry struct {
	mu sync.RWMutex // serializes additions; guards the hooks below

	// groups is replaced whole, under mu, when a group is added, so
	// that GetGroup, which every request from a peer makes, takes no
	// lock. Groups are few and made at start-up.
	groups atomic.Pointer[map[string]*Group]

	// The registration hooks are set once, before groups are made.
	pickPeers    func(groupName string) PeerPicker
	newGroupHook func(*Group)
	serverStart  func()

	hooks registryHooks // see AddHooks

	serverStartOnce sync.Once
	poolMade        bool // an HTTPPool was bound to this registry; guarded by mu
}

// DefaultRegistry is the Registry used by the package-level functions.
var DefaultRegistry = NewRegistry()

// NewRegistry returns an empty Registry with no peers: until a peer
// picker is registered, every group loads all its keys locally.
func NewRegistry() *Registry {
	r := &Registry{}
	r.groups.Store(&map[string]*Group{})
	return r
}

// GetGroup returns the named group previously created with NewGroup, or
// nil if there's no such group.
func GetGroup(name string) *Group { return DefaultRegistry.GetGroup(name) }

// GetGroup returns the named group of r, or nil if there's no such group.
func (r *Registry) GetGroup(name string) *Group {
	return (*r.groups.Load())[name]
}

// RegisterNewGroupHook registers a hook that is run each time a group is
// created in DefaultRegistry. It panics if called more than once.
func RegisterNewGroupHook(fn func(*Group)) { DefaultRegistry.RegisterNewGroupHook(fn) }

// RegisterNewGroupHook registers a hook that is run each time a group is
// created in r. It panics if called more than once.
func (r *Registry) RegisterNewGroupHook(fn func(*Group)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.newGroupHook != nil {
		panic("groupcache: RegisterNewGroupHook called more than once")
	}
	r.newGroupHook = fn
}

// RegisterServerStart registers a hook that is run when the first group is
// created in DefaultRegistry. It panics if called more than once.
func RegisterServerStart(fn func()) { DefaultRegistry.RegisterServerStart(fn) }

// RegisterServerStart registers a hook that is run when the first group is
// created in r. It panics if called more than once.
func (r *Registry) RegisterServerStart(fn func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.serverStart != nil {
		panic("groupcache: RegisterServerStart called more than once")
	}
	r.serverStart = fn
}

// RegisterPeerPicker registers the peer initialization function of
// DefaultRegistry. It is called once for each group, at the group's first
// Get. Either RegisterPeerPicker or RegisterPerGroupPeerPicker should be
// called exactly once, but not both; a second call panics.
func RegisterPeerPicker(fn func() PeerPicker) { DefaultRegistry.RegisterPeerPicker(fn) }

// RegisterPeerPicker is the Registry form of the package-level function.
func (r *Registry) RegisterPeerPicker(fn func() PeerPicker) {
	r.RegisterPerGroupPeerPicker(func(string) PeerPicker { return fn() })
}

// RegisterPerGroupPeerPicker registers the peer initialization function of
// DefaultRegistry, which takes the groupName, to be used in choosing a
// PeerPicker. It is called once for each group, at the group's first Get.
// Either RegisterPeerPicker or RegisterPerGroupPeerPicker should be called
// exactly once, but not both; a second call panics.
func RegisterPerGroupPeerPicker(fn func(groupName string) PeerPicker) {
	DefaultRegistry.RegisterPerGroupPeerPicker(fn)
}

// RegisterPerGroupPeerPicker is the Registry form of the package-level
// function.
func (r *Registry) RegisterPerGroupPeerPicker(fn func(groupName string) PeerPicker) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pickPeers != nil {
		panic("groupcache: RegisterPeerPicker called more than once")
	}
	r.pickPeers = fn
}

// peerPicker returns the PeerPicker of the named group: NoPeers if none
// was registered or the registered function returns nil.
func (r *Registry) peerPicker(groupName string) PeerPicker {
	r.mu.RLock()
	fn := r.pickPeers
	r.mu.RUnlock()
	if fn == nil {
		return NoPeers{}
	}
	if p := fn(groupName); p != nil {
		return p
	}
	return NoPeers{}
}

// add registers g under its name, running the server-start hook before
// the first group and the new-group hook for every group. It panics if
// the name is taken.
func (r *Registry) add(g *Group) {
	r.serverStartOnce.Do(func() {
		r.mu.RLock()
		fn := r.serverStart
		r.mu.RUnlock()
		if fn != nil {
			fn()
		}
	})
	r.mu.Lock()
	old := *r.groups.Load()
	if _, dup := old[g.name]; dup {
		r.mu.Unlock()
		panic("groupcache: duplicate registration of group " + g.name)
	}
	groups := make(map[string]*Group, len(old)+1)
	for name, other := range old {
		groups[name] = other
	}
	groups[g.name] = g
	r.groups.Store(&groups)
	hook := r.newGroupHook
	r.mu.Unlock()
	if hook != nil {
		hook(g)
	}
}
