package cache

import (
	"fmt"
	"path/filepath"
)

// fileLockStripes is how many lock files a file store directory has. An
// entry's stripe is the first byte of its name's hash modulo this number,
// so entries share a lock only when their hashes collide there.
const fileLockStripes = 64

// fileLockPrefix starts the names of the lock files. They are empty and
// stay in the directory; Flush leaves them, like any file not an entry.
const fileLockPrefix = ".cache-lock-"

// lockPath is the lock file of stripe.
func (d *fileDir) lockPath(stripe int) string {
	return filepath.Join(d.dir, fmt.Sprintf("%s%02x", fileLockPrefix, stripe))
}

// lock serialises mutations of the entries of stripe: within this store by
// a mutex, and with other stores and processes on the directory by the
// stripe's lock file where the platform can lock files (see lockFile). It
// returns the function that unlocks.
func (d *fileDir) lock(stripe int) (func(), error) {
	mu := &d.locks[stripe]
	mu.Lock()
	unlock, err := lockFile(d.lockPath(stripe))
	if err != nil {
		mu.Unlock()
		return nil, fmt.Errorf("cache: locking entry: %w", err)
	}
	return func() {
		unlock()
		mu.Unlock()
	}, nil
}
