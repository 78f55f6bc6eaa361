package cache

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"os"
)

// An entry file holds one record in the format of goforj/cache's file
// store, so that both can share a directory (see the package
// documentation for the bytes). This store writes recordMagic records and
// also reads the two older formats goforj/cache wrote.
const (
	recordMagic = "CFR2" // magic, expiry, key length, key, value
	// recordHeader is the fixed part of a CFR2 record.
	recordHeader = len(recordMagic) + 8 + 4

	recordMagicV1  = "CFR1" // magic, expiry, value: no key
	recordHeaderV1 = len(recordMagicV1) + 8
)

// errCorruptEntry reports an entry file that holds no valid record.
var errCorruptEntry = errors.New("cache: corrupt entry file")

// fileRecord is a decoded entry file.
type fileRecord struct {
	// key is the entry's key; keyKnown is false for formats that do not
	// hold it, whose key is known only through the file's name.
	key       string
	keyKnown  bool
	expiresAt int64 // UnixNano; 0 means never
	value     []byte
}

func (r fileRecord) expired(now int64) bool {
	return r.expiresAt != 0 && now >= r.expiresAt
}

// recordPrefix returns the header and key of the CFR2 record of key, to be
// followed by the value.
func recordPrefix(key string, expiresAt int64) []byte {
	b := make([]byte, 0, recordHeader+len(key))
	b = append(b, recordMagic...)
	b = binary.BigEndian.AppendUint64(b, uint64(expiresAt))
	b = binary.BigEndian.AppendUint32(b, uint32(len(key)))
	return append(b, key...)
}

// parseRecord decodes a whole entry file. The value aliases b.
func parseRecord(b []byte) (fileRecord, error) {
	var r fileRecord
	switch {
	case bytes.HasPrefix(b, []byte(recordMagic)):
		if len(b) < recordHeader {
			return r, errCorruptEntry
		}
		r.expiresAt = int64(binary.BigEndian.Uint64(b[4:]))
		keyLen := uint64(binary.BigEndian.Uint32(b[12:]))
		if keyLen > uint64(len(b)-recordHeader) {
			return r, errCorruptEntry
		}
		end := recordHeader + int(keyLen)
		r.key, r.keyKnown, r.value = string(b[recordHeader:end]), true, b[end:]
	case bytes.HasPrefix(b, []byte(recordMagicV1)):
		if len(b) < recordHeaderV1 {
			return r, errCorruptEntry
		}
		r.expiresAt = int64(binary.BigEndian.Uint64(b[4:]))
		r.value = b[recordHeaderV1:]
	default:
		var err error
		if r, err = parseJSONRecord(b); err != nil {
			return r, err
		}
	}
	if r.expiresAt < 0 {
		return fileRecord{}, errCorruptEntry
	}
	return r, nil
}

// parseJSONRecord decodes the JSON record of the first goforj/cache file
// stores: {"key": ..., "expires_at": UnixNano, "value": base64}, the key
// being optional.
func parseJSONRecord(b []byte) (fileRecord, error) {
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return fileRecord{}, errCorruptEntry
	}
	var j struct {
		Key       *string `json:"key"`
		ExpiresAt int64   `json:"expires_at"`
		Value     []byte  `json:"value"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return fileRecord{}, errCorruptEntry
	}
	r := fileRecord{expiresAt: j.ExpiresAt, value: j.Value}
	if j.Key != nil {
		r.key, r.keyKnown = *j.Key, true
	}
	if r.value == nil {
		r.value = []byte{}
	}
	return r, nil
}

// recordInfo is a record without its value.
type recordInfo struct {
	key       string
	keyKnown  bool
	expiresAt int64
	valueLen  int64
}

// readRecordInfo reads the header of the entry file at path and, when
// withKey is set, its key, but not its value unless the format puts the
// header after it. It refuses links like openEntry and reports a file
// holding no valid record as errCorruptEntry.
func readRecordInfo(path string, withKey bool) (recordInfo, error) {
	f, fi, err := openEntry(path)
	if err != nil {
		return recordInfo{}, err
	}
	defer f.Close()
	size := fi.Size()
	var hdr [recordHeader]byte
	n, err := io.ReadFull(f, hdr[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return recordInfo{}, err
	}
	b := hdr[:n]
	switch {
	case bytes.HasPrefix(b, []byte(recordMagic)) && n == recordHeader:
		info := recordInfo{
			expiresAt: int64(binary.BigEndian.Uint64(b[4:])),
			keyKnown:  true,
		}
		keyLen := int64(binary.BigEndian.Uint32(b[12:]))
		info.valueLen = size - int64(recordHeader) - keyLen
		if info.valueLen < 0 || info.expiresAt < 0 {
			return recordInfo{}, errCorruptEntry
		}
		if withKey {
			key := make([]byte, keyLen)
			if _, err := io.ReadFull(f, key); err != nil {
				return recordInfo{}, errCorruptEntry
			}
			info.key = string(key)
		}
		return info, nil
	case bytes.HasPrefix(b, []byte(recordMagicV1)) && n >= recordHeaderV1:
		info := recordInfo{
			expiresAt: int64(binary.BigEndian.Uint64(b[4:])),
			valueLen:  size - int64(recordHeaderV1),
		}
		if info.expiresAt < 0 {
			return recordInfo{}, errCorruptEntry
		}
		return info, nil
	}
	// A JSON record has to be read whole; these are rare leftovers.
	whole, err := readAllFrom(f, b, size)
	if err != nil {
		return recordInfo{}, err
	}
	r, err := parseRecord(whole)
	if err != nil {
		return recordInfo{}, err
	}
	return recordInfo{key: r.key, keyKnown: r.keyKnown, expiresAt: r.expiresAt, valueLen: int64(len(r.value))}, nil
}

// readAllFrom returns head followed by the rest of f, size bytes in all.
func readAllFrom(f *os.File, head []byte, size int64) ([]byte, error) {
	if size < int64(len(head)) {
		return nil, errCorruptEntry
	}
	b := make([]byte, size)
	n := copy(b, head)
	if _, err := io.ReadFull(f, b[n:]); err != nil {
		return nil, errCorruptEntry
	}
	return b, nil
}
