//go:build !(illumos || (unix && !aix && !solaris))

package cache

// fileLocksShared reports that file store locks exclude other processes.
// They do not here: this platform's standard library offers no file lock.
const fileLocksShared = false

// lockFile does nothing: on this platform a file store's mutations are
// serialised only within the store, by its mutexes.
func lockFile(string) (func(), error) { return func() {}, nil }
