package cache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
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
// File names are the SHA-256 of the key in hex, so no key can name a path
// outside the directory. A file holds the expiry, the original key (checked
// on read, and used for listing) and the value. Writes go to a temporary file
// in the same directory and are renamed into place, so a reader sees the old
// or the new entry, never a torn one; files are not synced, because losing
// cache entries in a crash is harmless. Files that are truncated or corrupt
// are treated as misses and removed, as are expired files when read. The
// store never follows a symbolic link in the directory: a link, or anything
// else that is not a regular file, found under an entry's name is treated
// like a corrupt file, so a link planted there cannot serve another
// directory's entry, and a write replaces the link, not its target.
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
// Add, Increment and CompareAndDelete are atomic among users of this store
// value in one process; processes sharing a directory get last-writer-wins,
// and the sweeper of one can remove an entry that another rewrites at the
// moment it expires, which costs a miss.
// Flush removes only files this store could have written.
func NewFileStoreWithConfig(ctx context.Context, cfg StoreConfig) cachecore.Store {
	s := &fileStore{fileDir: &fileDir{dir: cfg.FileDir}}
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
	return withConfig(s, cfg.BaseConfig)
}

// An entry file is: magic, expiry (UnixNano, 0 for none), key length,
// value length, CRC-32C of key and value, key, value. The lengths and the
// checksum let a read tell a complete file from a truncated or damaged one.
const (
	fileMagic   = "GCF1"
	fileHeader  = len(fileMagic) + 8 + 4 + 8 + 4
	fileSuffix  = ".entry"
	fileTempPat = ".tmp-*" // os.CreateTemp pattern; see isAbandonedTemp
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// fileStore is the handle callers hold; the sweeper holds only the
// fileDir, so that the handle becoming unreachable can stop it.
type fileStore struct {
	*fileDir
	err error
}

type fileDir struct {
	dir string
	// locks serialise mutations of one entry within the process; the index
	// is the first byte of the entry's hash.
	locks [64]sync.Mutex
}

// fileEntry is a decoded file.
type fileEntry struct {
	key       string
	expiresAt int64 // UnixNano; 0 means never
	value     []byte
}

func (s *fileStore) check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.err
}

func (d *fileDir) path(key string) (string, *sync.Mutex) {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(d.dir, hex.EncodeToString(sum[:])+fileSuffix), d.lockOf(sum[0])
}

// lockOf returns the lock of the entries whose hash starts with b.
func (d *fileDir) lockOf(b byte) *sync.Mutex {
	return &d.locks[int(b)%len(d.locks)]
}

// lockOfName returns the lock of the entry file called name, which
// isEntryName accepted.
func (d *fileDir) lockOfName(name string) *sync.Mutex {
	var b [1]byte
	_, _ = hex.Decode(b[:], []byte(name[:2])) // isEntryName checked the hex
	return d.lockOf(b[0])
}

// isEntryName reports whether name is one this store writes, so Flush and
// ListPage leave foreign files alone.
func isEntryName(name string) bool {
	h, ok := strings.CutSuffix(name, fileSuffix)
	if !ok || len(h) != sha256.Size*2 {
		return false
	}
	_, err := hex.DecodeString(h)
	return err == nil
}

func encodeFileEntry(e fileEntry) []byte {
	b := make([]byte, 0, fileHeader+len(e.key)+len(e.value))
	b = append(b, fileMagic...)
	b = binary.BigEndian.AppendUint64(b, uint64(e.expiresAt))
	b = binary.BigEndian.AppendUint32(b, uint32(len(e.key)))
	b = binary.BigEndian.AppendUint64(b, uint64(len(e.value)))
	sum := crc32.Update(crc32.Checksum([]byte(e.key), castagnoli), castagnoli, e.value)
	b = binary.BigEndian.AppendUint32(b, sum)
	b = append(b, e.key...)
	return append(b, e.value...)
}

// fileHeaderInfo is the decoded fixed-size start of an entry file.
type fileHeaderInfo struct {
	expiresAt int64
	keyLen    int
	valueLen  uint64
	sum       uint32
}

// decodeFileHeader parses the header and checks that size, the file's
// total length, matches the lengths it declares.
func decodeFileHeader(b []byte, size int64) (fileHeaderInfo, bool) {
	if len(b) < fileHeader || string(b[:len(fileMagic)]) != fileMagic {
		return fileHeaderInfo{}, false
	}
	b = b[len(fileMagic):]
	h := fileHeaderInfo{
		expiresAt: int64(binary.BigEndian.Uint64(b)),
		keyLen:    int(binary.BigEndian.Uint32(b[8:])),
		valueLen:  binary.BigEndian.Uint64(b[12:]),
		sum:       binary.BigEndian.Uint32(b[20:]),
	}
	body := uint64(size) - uint64(fileHeader)
	ok := h.expiresAt >= 0 && h.valueLen <= body && uint64(h.keyLen) == body-h.valueLen
	return h, ok
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
func (s *fileStore) load(path, key string) (e fileEntry, found, stale bool, err error) {
	b, err := readEntryFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fileEntry{}, false, false, nil
	}
	if errors.Is(err, errNotEntry) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fileEntry{}, false, true, nil
	}
	if err != nil {
		return fileEntry{}, false, false, err
	}
	h, ok := decodeFileHeader(b, int64(len(b)))
	if !ok || string(b[fileHeader:fileHeader+h.keyLen]) != key ||
		crc32.Checksum(b[fileHeader:], castagnoli) != h.sum {
		return fileEntry{}, false, true, nil
	}
	e = fileEntry{key: key, expiresAt: h.expiresAt, value: b[fileHeader+h.keyLen:]}
	if e.expiresAt != 0 && time.Now().UnixNano() >= e.expiresAt {
		return fileEntry{}, false, true, nil
	}
	return e, true, false, nil
}

// removeStale removes a file found stale unless another writer replaced it
// in the meantime, which the re-check under the entry lock detects.
func (s *fileStore) removeStale(path, key string, mu *sync.Mutex) {
	mu.Lock()
	defer mu.Unlock()
	if _, found, stale, err := s.load(path, key); err == nil && !found && stale {
		_ = os.Remove(path) // best effort: a later read retries
	}
}

func (d *fileDir) write(path string, e fileEntry) error {
	f, err := os.CreateTemp(d.dir, fileTempPat)
	if err != nil {
		return err
	}
	_, err = f.Write(encodeFileEntry(e))
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
	path, mu := s.path(key)
	e, found, stale, err := s.load(path, key)
	if stale {
		s.removeStale(path, key, mu)
	}
	if err != nil || !found {
		return nil, time.Time{}, false, err
	}
	var at time.Time
	if e.expiresAt != 0 {
		at = time.Unix(0, e.expiresAt)
	}
	return e.value, at, true, nil
}

func (s *fileStore) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	path, mu := s.path(key)
	mu.Lock()
	defer mu.Unlock()
	return s.write(path, fileEntry{key: key, expiresAt: expiry(ttl), value: value})
}

func (s *fileStore) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := s.check(ctx); err != nil {
		return false, err
	}
	path, mu := s.path(key)
	mu.Lock()
	defer mu.Unlock()
	_, found, _, err := s.load(path, key)
	if err != nil || found {
		return false, err
	}
	if err := s.write(path, fileEntry{key: key, expiresAt: expiry(ttl), value: value}); err != nil {
		return false, err
	}
	return true, nil
}

func (s *fileStore) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	if err := s.check(ctx); err != nil {
		return 0, err
	}
	path, mu := s.path(key)
	mu.Lock()
	defer mu.Unlock()
	old, found, _, err := s.load(path, key)
	if err != nil {
		return 0, err
	}
	n, text, err := cachecore.AddCounter(old.value, found, delta)
	if err != nil {
		return 0, err
	}
	e := fileEntry{key: key, expiresAt: old.expiresAt, value: text}
	if !found {
		e.expiresAt = expiry(ttl)
	}
	if err := s.write(path, e); err != nil {
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
		path, mu := s.path(k)
		mu.Lock()
		err := os.Remove(path)
		mu.Unlock()
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
		if !isEntryName(de.Name()) && !isAbandonedTemp(de) {
			continue
		}
		if err := os.Remove(filepath.Join(s.dir, de.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
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
	if !strings.HasPrefix(de.Name(), ".tmp-") {
		return false
	}
	fi, err := de.Info()
	return err == nil && time.Since(fi.ModTime()) > abandonedAfter
}

func (s *fileStore) CompareAndDelete(ctx context.Context, key string, expected []byte) (bool, error) {
	if err := s.check(ctx); err != nil {
		return false, err
	}
	path, mu := s.path(key)
	mu.Lock()
	defer mu.Unlock()
	e, found, _, err := s.load(path, key)
	if err != nil || !found || !bytes.Equal(e.value, expected) {
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
// like the memory store's listing it is meant for admin use.
func (s *fileStore) ListPage(ctx context.Context, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	return s.listPrefix(ctx, "", opts)
}

// listPrefix skips files that vanish, are corrupt or are not regular
// files, and expired entries; reads and the sweeper remove them.
func (s *fileStore) listPrefix(ctx context.Context, prefix string, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
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
		h, stored, err := readEntryHeader(filepath.Join(s.dir, de.Name()), true)
		if err != nil || (h.expiresAt != 0 && now >= h.expiresAt) {
			continue
		}
		if key, ok := scope.match(stored); ok {
			matched = append(matched, cachecore.CacheEntry{Key: key, SizeBytes: int(h.valueLen), ExpiresAt: listedExpiry(h.expiresAt)})
		}
	}
	return scope.page(matched), nil
}

// errCorruptEntry reports an entry file whose header is damaged.
var errCorruptEntry = errors.New("cache: corrupt entry file")

// readEntryHeader reads the header of the entry file at path and, when
// withKey is set, its key, but not its value. It refuses links like
// openEntry and reports a damaged header as errCorruptEntry.
func readEntryHeader(path string, withKey bool) (fileHeaderInfo, string, error) {
	f, fi, err := openEntry(path)
	if err != nil {
		return fileHeaderInfo{}, "", err
	}
	defer f.Close()
	var hdr [fileHeader]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return fileHeaderInfo{}, "", errCorruptEntry
	}
	h, ok := decodeFileHeader(hdr[:], fi.Size())
	if !ok {
		return fileHeaderInfo{}, "", errCorruptEntry
	}
	if !withKey {
		return h, "", nil
	}
	key := make([]byte, h.keyLen)
	if _, err := io.ReadFull(f, key); err != nil {
		return fileHeaderInfo{}, "", errCorruptEntry
	}
	return h, string(key), nil
}

// flushPrefix removes the entries whose key starts with prefix, expired
// ones included, in one pass over the directory.
func (s *fileStore) flushPrefix(ctx context.Context, prefix string) error {
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
		_, key, err := readEntryHeader(path, true)
		if err != nil || !strings.HasPrefix(key, prefix) {
			continue
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
