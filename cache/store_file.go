package cache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// ErrFileDirRequired is returned by every operation of a file store built
// without a directory.
var ErrFileDirRequired = errors.New("cache: file store requires a directory")

// NewFileStore is a convenience for a filesystem-backed store in dir.
// See NewFileStoreWithConfig.
func NewFileStore(ctx context.Context, dir string) cachecore.Store {
	return NewFileStoreWithConfig(ctx, StoreConfig{FileDir: dir})
}

// NewFileStoreWithConfig builds a store keeping one file per entry in
// cfg.FileDir, creating the directory and any missing parents with mode
// 0700 if needed. An existing directory keeps its mode: tightening it is
// the caller's choice. A failure to create it is reported by Ready and by
// every operation.
//
// Files are named by the SHA-256 of the key in hex followed by ".cache",
// so no key can name a path outside the directory, and hold a record of
// the expiry, the key (checked on read, and used for listing) and the
// value: the names and records of goforj/cache's file store, so that the
// two can share a directory (the package documentation gives the bytes).
// Writes go to a temporary file in the same directory, which is synced
// (unless cfg.FileSkipSync) and renamed into place, so a reader sees the old
// or the new entry, never a torn one, even after a crash. Files that are truncated or corrupt are
// treated as misses and removed, as are expired files when read. The
// store never follows a symbolic link in the directory: a link, or
// anything else that is not a regular file, found under an entry's name is
// treated like a corrupt file, so a link planted there cannot serve
// another directory's entry, and a write replaces the link, not its
// target.
//
// Entries that expire without being read again are removed by a sweeper
// goroutine. Every cfg.FileCleanupInterval it examines up to 1000 files,
// continuing where the previous pass stopped, and removes expired and
// corrupt entries and temporary files abandoned by crashed writers, so a
// directory of n files is covered every n/1000 intervals; lower the
// interval for stores that gain files faster, such as rate limits over
// many keys. The sweeper exits when ctx is done or the store becomes
// unreachable.
//
// Writes, Add, Increment and CompareAndDelete of an entry are serialised
// with every other store on the directory, in this process or another, by
// one of 64 lock files (".cache-lock-NN", flock) that stay in the
// directory, so Add and Increment are atomic across processes. Reads take
// no lock. Where the operating system offers no flock (Windows, AIX,
// Solaris), they are serialised only within the store. goforj/cache's file
// store locks nothing, so processes of the two sharing a directory get
// last-writer-wins between them.
//
// Flush removes only files this store could have written, which include
// goforj/cache's entries. Entry files of earlier versions of this store
// (named ".entry"), which it no longer reads, are removed by Flush and by
// the sweeper.
func NewFileStoreWithConfig(ctx context.Context, cfg StoreConfig) cachecore.Store {
	s := &fileStore{fileDir: &fileDir{dir: cfg.FileDir, skipSync: cfg.FileSkipSync}}
	if cfg.FileDir == "" {
		s.err = ErrFileDirRequired
	} else if err := os.MkdirAll(cfg.FileDir, 0o700); err != nil {
		s.err = fmt.Errorf("cache: creating file store directory: %w", err)
	}
	if s.err == nil {
		interval := cfg.FileCleanupInterval
		if interval <= 0 {
			interval = DefaultFileCleanupInterval
		}
		sw := &fileSweeper{d: s.fileDir}
		startJanitor(ctx, s, interval, sw.pass, sw.close)
	}
	return withDefaults(s, cfg.BaseConfig)
}

// Names in the directory.
const (
	fileSuffix = ".cache"
	// fileTempPrefix starts temporary files; see isAbandonedTemp.
	fileTempPrefix = ".cache-tmp-"
	// legacyFileSuffix and legacyTempPrefix are what earlier versions of
	// this store wrote.
	legacyFileSuffix = ".entry"
	legacyTempPrefix = ".tmp-"
)

// fileStore is the handle callers hold; the sweeper holds only the
// fileDir, so that the handle becoming unreachable can stop it.
type fileStore struct {
	*fileDir
	err error
}

type fileDir struct {
	dir      string
	skipSync bool // see StoreConfig.FileSkipSync
	// locks serialise this store's mutations of the entries of a stripe;
	// see lock.
	locks [fileLockStripes]sync.Mutex
}

func (s *fileStore) check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.err
}

// path returns the entry file of key and its lock stripe.
func (d *fileDir) path(key string) (string, int) {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(d.dir, hex.EncodeToString(sum[:])+fileSuffix), int(sum[0]) % fileLockStripes
}

// stripeOfName returns the lock stripe of the entry file called name,
// which isEntryName accepted.
func stripeOfName(name string) int {
	var b [1]byte
	_, _ = hex.Decode(b[:], []byte(name[:2])) // isEntryName checked the hex
	return int(b[0]) % fileLockStripes
}

// isEntryName reports whether name is one this store writes, so Flush and
// ListPage leave foreign files alone.
func isEntryName(name string) bool { return isHashName(name, fileSuffix) }

// isLegacyEntryName reports an entry file of an earlier version.
func isLegacyEntryName(name string) bool { return isHashName(name, legacyFileSuffix) }

func isHashName(name, suffix string) bool {
	h, ok := strings.CutSuffix(name, suffix)
	if !ok || len(h) != sha256.Size*2 {
		return false
	}
	_, err := hex.DecodeString(h)
	return err == nil
}

// errNotEntry reports that an entry's name holds something other than a
// regular file, such as a symbolic link, which the store refuses to follow.
var errNotEntry = errors.New("cache: not a regular file")

// openEntry opens the entry file at path without following a symbolic
// link: the opened file must be the regular file that Lstat finds under
// the name, before or after the open. A link found there is refused; a
// file that matches neither means the name changed during the open, most
// often because a writer renamed a new entry into place, so the check is
// repeated a few times before the name is refused.
func openEntry(path string) (*os.File, fs.FileInfo, error) {
	const attempts = 3
	for range attempts {
		before, err := os.Lstat(path)
		if err != nil {
			return nil, nil, err
		}
		if !before.Mode().IsRegular() {
			return nil, nil, errNotEntry
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, err
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		if os.SameFile(before, fi) {
			return f, fi, nil
		}
		if after, err := os.Lstat(path); err == nil && after.Mode().IsRegular() && os.SameFile(after, fi) {
			return f, fi, nil
		}
		f.Close()
	}
	return nil, nil, errNotEntry
}

// readEntryFile reads the whole entry file at path; see openEntry.
func readEntryFile(path string) ([]byte, error) {
	f, fi, err := openEntry(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, err
	}
	return b, nil
}

// load reads key's file. A missing file is a miss; a corrupt, foreign or
// expired file, or one that is not a regular file, is a miss reported as
// stale so the caller can remove it.
func (s *fileStore) load(path, key string) (r fileRecord, found, stale bool, err error) {
	b, err := readEntryFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fileRecord{}, false, false, nil
	}
	if errors.Is(err, errNotEntry) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fileRecord{}, false, true, nil
	}
	if err != nil {
		return fileRecord{}, false, false, err
	}
	r, err = parseRecord(b)
	if err != nil || (r.keyKnown && r.key != key) || r.expired(time.Now().UnixNano()) {
		return fileRecord{}, false, true, nil
	}
	r.key, r.keyKnown = key, true
	return r, true, false, nil
}

// removeStale removes a file found stale unless another writer replaced it
// in the meantime, which the re-check under the entry lock detects.
func (s *fileStore) removeStale(path, key string, stripe int) {
	unlock, err := s.lock(stripe)
	if err != nil {
		return // best effort: a later read retries
	}
	defer unlock()
	if _, found, stale, err := s.load(path, key); err == nil && !found && stale {
		_ = os.Remove(path) // best effort: a later read retries
	}
}

// write replaces the entry file at path with a record of key. The caller
// holds the entry's lock.
func (d *fileDir) write(path, key string, expiresAt int64, value []byte) error {
	f, err := os.CreateTemp(d.dir, fileTempPrefix+"*")
	if err != nil {
		return fmt.Errorf("cache: writing entry: %w", err)
	}
	_, err = f.Write(recordPrefix(key, expiresAt))
	if err == nil {
		_, err = f.Write(value)
	}
	if err == nil && !d.skipSync {
		// Without the sync, a crash could leave the renamed file's data
		// unwritten, and the record, which has no checksum, could then be
		// read with a damaged value.
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name()) // the write already failed; this is cleanup
		return fmt.Errorf("cache: writing entry: %w", err)
	}
	return nil
}

func (s *fileStore) Driver() cachecore.Driver { return cachecore.DriverFile }

func (s *fileStore) Ready(ctx context.Context) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	fi, err := os.Stat(s.dir)
	if err != nil {
		return fmt.Errorf("cache: file store directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("cache: file store path %q is not a directory", s.dir)
	}
	return nil
}

func (s *fileStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, _, found, err := s.GetWithExpiry(ctx, key)
	return v, found, err
}

func (s *fileStore) GetWithExpiry(ctx context.Context, key string) ([]byte, time.Time, bool, error) {
	if err := s.check(ctx); err != nil {
		return nil, time.Time{}, false, err
	}
	path, stripe := s.path(key)
	r, found, stale, err := s.load(path, key)
	if stale {
		s.removeStale(path, key, stripe)
	}
	if err != nil || !found {
		return nil, time.Time{}, false, err
	}
	var at time.Time
	if r.expiresAt != 0 {
		at = time.Unix(0, r.expiresAt)
	}
	return r.value, at, true, nil
}

func (s *fileStore) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	path, stripe := s.path(key)
	unlock, err := s.lock(stripe)
	if err != nil {
		return err
	}
	defer unlock()
	return s.write(path, key, expiry(ttl), value)
}

func (s *fileStore) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := s.check(ctx); err != nil {
		return false, err
	}
	path, stripe := s.path(key)
	unlock, err := s.lock(stripe)
	if err != nil {
		return false, err
	}
	defer unlock()
	_, found, _, err := s.load(path, key)
	if err != nil || found {
		return false, err
	}
	if err := s.write(path, key, expiry(ttl), value); err != nil {
		return false, err
	}
	return true, nil
}

func (s *fileStore) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	if err := s.check(ctx); err != nil {
		return 0, err
	}
	path, stripe := s.path(key)
	unlock, err := s.lock(stripe)
	if err != nil {
		return 0, err
	}
	defer unlock()
	old, found, _, err := s.load(path, key)
	if err != nil {
		return 0, err
	}
	n, text, err := cachecore.AddCounter(old.value, found, delta)
	if err != nil {
		return 0, err
	}
	expiresAt := old.expiresAt
	if !found || ttl > 0 {
		expiresAt = expiry(ttl)
	}
	if err := s.write(path, key, expiresAt, text); err != nil {
		return 0, err
	}
	return n, nil
}

func (s *fileStore) Decrement(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	neg, err := cachecore.NegateDelta(delta)
	if err != nil {
		return 0, err
	}
	return s.Increment(ctx, key, neg, ttl)
}

func (s *fileStore) Delete(ctx context.Context, key string) error {
	return s.DeleteMany(ctx, key)
}

func (s *fileStore) DeleteMany(ctx context.Context, keys ...string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	var errs []error
	for _, k := range keys {
		path, stripe := s.path(k)
		unlock, err := s.lock(stripe)
		if err == nil {
			err = os.Remove(path)
			unlock()
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *fileStore) Flush(ctx context.Context) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, de := range des {
		name := de.Name()
		if !isEntryName(name) && !isLegacyEntryName(name) && !isAbandonedTemp(de) {
			continue
		}
		if err := os.Remove(filepath.Join(s.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// isAbandonedTemp reports a temporary file left by a writer that crashed
// between creating and renaming it. Writes take milliseconds, so a temporary
// file this old is not in flight.
func isAbandonedTemp(de fs.DirEntry) bool {
	const abandonedAfter = time.Hour
	if name := de.Name(); !strings.HasPrefix(name, fileTempPrefix) && !strings.HasPrefix(name, legacyTempPrefix) {
		return false
	}
	fi, err := de.Info()
	return err == nil && time.Since(fi.ModTime()) > abandonedAfter
}

func (s *fileStore) CompareAndDelete(ctx context.Context, key string, expected []byte) (bool, error) {
	if err := s.check(ctx); err != nil {
		return false, err
	}
	path, stripe := s.path(key)
	unlock, err := s.lock(stripe)
	if err != nil {
		return false, err
	}
	defer unlock()
	r, found, _, err := s.load(path, key)
	if err != nil || !found || !bytes.Equal(r.value, expected) {
		return false, err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	return true, nil
}

func (s *fileStore) Capabilities() cachecore.InspectorCapabilities {
	return listableCapabilities
}

// ListPage reads the header of every entry file, since names are hashes;
// like the memory store's listing it is meant for admin use. Entries in
// goforj/cache's older formats, which do not record their key, are not
// listed.
func (s *fileStore) ListPage(ctx context.Context, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	return s.ListPrefix(ctx, "", opts)
}

// ListPrefix implements cachecore.PrefixLister. It skips files that vanish, are corrupt or are not regular
// files, and expired entries; reads and the sweeper remove them.
func (s *fileStore) ListPrefix(ctx context.Context, prefix string, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	if err := s.check(ctx); err != nil {
		return cachecore.ListPageResult{}, err
	}
	scope, err := newListScope(prefix, opts)
	if err != nil {
		return cachecore.ListPageResult{}, err
	}
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return cachecore.ListPageResult{}, err
	}
	now := time.Now().UnixNano()
	var matched []cachecore.CacheEntry
	for _, de := range des {
		if err := ctx.Err(); err != nil {
			return cachecore.ListPageResult{}, err
		}
		if !isEntryName(de.Name()) {
			continue
		}
		info, err := readRecordInfo(filepath.Join(s.dir, de.Name()), true)
		if err != nil || !info.keyKnown {
			continue // unreadable files are the sweeper's
		}
		if info.expiresAt != 0 && now >= info.expiresAt {
			continue
		}
		if key, ok := scope.match(info.key); ok {
			matched = append(matched, cachecore.CacheEntry{Key: key, SizeBytes: int(info.valueLen), ExpiresAt: listedExpiry(info.expiresAt)})
		}
	}
	return scope.page(matched), nil
}

// FlushPrefix implements cachecore.PrefixFlusher: it removes the entries
// whose key starts with prefix, expired ones included, in one pass over
// the directory. Entries whose file does not record their key are left.
func (s *fileStore) FlushPrefix(ctx context.Context, prefix string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, de := range des {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !isEntryName(de.Name()) {
			continue
		}
		path := filepath.Join(s.dir, de.Name())
		info, err := readRecordInfo(path, true)
		if err != nil || !info.keyKnown || !strings.HasPrefix(info.key, prefix) {
			continue
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
