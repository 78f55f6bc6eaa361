//go:build !(illumos || (unix && !aix && !solaris))

package cache

// lockFile does nothing: on this platform a file store's mutations are
// serialised only within the store, by its mutexes.
func lockFile(string) (func(), error) { return func() {}, nil }
