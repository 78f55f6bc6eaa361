package cache

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// fileSweepBatch is how many directory entries one sweeper pass examines,
// which bounds the work and the file system load of a pass whatever the
// directory's size.
const fileSweepBatch = 1000

// fileSweeper removes the file store's expired entries, which nothing else
// removes unless they are read again. Only the janitor goroutine uses it.
type fileSweeper struct {
	d *fileDir
	// listing is the directory being read, continued by the next pass so
	// that successive passes cover all of it; nil between rounds.
	listing *os.File
}

// pass examines the next fileSweepBatch directory entries.
func (sw *fileSweeper) pass() {
	if sw.listing == nil {
		f, err := os.Open(sw.d.dir)
		if err != nil {
			return // the directory may be back by the next pass
		}
		sw.listing = f
	}
	des, err := sw.listing.ReadDir(fileSweepBatch)
	if err != nil || len(des) < fileSweepBatch {
		sw.close() // end of the round, or a failure: start over next pass
	}
	now := time.Now().UnixNano()
	for _, de := range des {
		sw.d.sweepEntry(de, now)
	}
}

func (sw *fileSweeper) close() {
	if sw.listing != nil {
		sw.listing.Close()
		sw.listing = nil
	}
}

// sweepEntry removes the directory entry de if it is an expired or corrupt
// entry, something other than a regular file under an entry's name, an
// entry file of an earlier version of the store or an abandoned temporary
// file. An entry that looks removable is checked again under its lock, so
// that a write of it by any store is never removed.
func (d *fileDir) sweepEntry(de fs.DirEntry, now int64) {
	name := de.Name()
	path := filepath.Join(d.dir, name)
	if isAbandonedTemp(de) || isLegacyEntryName(name) {
		_ = os.Remove(path) // best effort: the next round retries
		return
	}
	if !isEntryName(name) || !removable(path, now) {
		return
	}
	unlock, err := d.lock(stripeOfName(name))
	if err != nil {
		return // the next round retries
	}
	defer unlock()
	if removable(path, now) {
		_ = os.Remove(path) // best effort: the next round retries
	}
}

// removable reports whether the entry file at path is expired, corrupt or
// not a regular file.
func removable(path string, now int64) bool {
	info, err := readRecordInfo(path, false)
	switch {
	case errors.Is(err, errNotEntry), errors.Is(err, errCorruptEntry):
		return true
	case err != nil:
		return false // gone, or unreadable for now
	}
	return info.expiresAt != 0 && now >= info.expiresAt
}
