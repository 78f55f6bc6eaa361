//go:build illumos || (unix && !aix && !solaris)

package cache

import (
	"errors"
	"os"
	"syscall"
)

// errLockFileReplaced reports a lock file that kept being removed or
// replaced while a store was locking it.
var errLockFileReplaced = errors.New("cache: lock file kept being replaced")

// lockFile takes an exclusive flock on the file at path, creating it if
// needed, and returns the function that releases it. flock locks belong to
// the open file, so two stores in one process exclude each other as two
// processes do, and the kernel releases the lock of a process that dies.
//
// A lock file removed while a store waited for it (goforj/cache's Flush
// removes every file in the directory) is no longer the file other stores
// lock, so after locking, the file must still be the one under the name;
// otherwise locking starts over on the new one.
func lockFile(path string) (func(), error) {
	const attempts = 16
	for range attempts {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
		if err != nil {
			return nil, err
		}
		if err := flock(f, syscall.LOCK_EX); err != nil {
			f.Close()
			return nil, err
		}
		held, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		current, err := os.Lstat(path)
		if err == nil && os.SameFile(held, current) {
			// Closing the file releases the lock.
			return func() { _ = f.Close() }, nil
		}
		f.Close()
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	return nil, errLockFileReplaced
}

func flock(f *os.File, how int) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	err = rc.Control(func(fd uintptr) {
		for {
			ferr = syscall.Flock(int(fd), how)
			if ferr != syscall.EINTR {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	if ferr != nil {
		return &os.PathError{Op: "flock", Path: f.Name(), Err: ferr}
	}
	return nil
}
