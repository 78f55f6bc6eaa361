package cachecore

import (
	"bytes"
	"crypto/cipher"
	"fmt"
	"strconv"
)

// The stored form of values. Package cache documents it byte by byte;
// keep the two in step.
const (
	// compressedMagic starts a compressed value: the magic, one codec
	// byte, then the compressed bytes.
	compressedMagic = "CMP1"
	codecGzip       = 'g' // a gzip stream (RFC 1952); goforj/cache reads it
	codecSnappy     = 's' // CRC-32C and a snappy block; goforj/cache refuses it

	// encryptedMagic starts an encrypted value: the magic, a header byte,
	// the nonce, then the AES-GCM ciphertext and tag.
	encryptedMagic = "ENC1"
	// gcmNonceSize is the nonce length of cipher.NewGCM, which the header
	// byte holds in its low seven bits.
	gcmNonceSize = 12
	// keyBoundFlag, the header byte's top bit, marks a ciphertext whose
	// additional authenticated data is the stored key. goforj/cache
	// reads the header byte as the nonce length and, finding 0x8C rather
	// than 12, refuses the value with its ErrDecryptFailed rather than
	// misreading it.
	keyBoundFlag = 0x80
	// envelopeHeader is the length of either magic plus its next byte.
	envelopeHeader = len(compressedMagic) + 1
	// encryptionOverhead is what encryption adds to a value.
	encryptionOverhead = envelopeHeader + gcmNonceSize + 16
)

// shaper turns values into their stored form and back.
type shaper struct {
	// codec is the compression to write, empty for none. It is never set
	// together with aead.
	codec CompressionCodec
	// aead encrypts when not nil.
	aead              cipher.AEAD
	keyBound          bool
	acceptUnencrypted bool
	maxBytes          int
}

// transforms reports whether stored bytes can differ from the caller's,
// which is also when reads look for envelopes.
func (sh *shaper) transforms() bool { return sh.codec != "" || sh.aead != nil }

// isCompressed reports whether b begins like a compressed envelope.
// Compressing stores never store such a value unmarked, so that no value
// is mistaken for one.
func isCompressed(b []byte) bool {
	return bytes.HasPrefix(b, []byte(compressedMagic))
}

// envelope returns the byte after magic when b is an envelope of that
// kind. Like goforj/cache, a value shorter than the magic and its byte is
// not an envelope.
func envelope(b []byte, magic string) (byte, bool) {
	if len(b) < envelopeHeader || string(b[:len(magic)]) != magic {
		return 0, false
	}
	return b[len(magic)], true
}

// stored is a value ready for the backend plus the pooled buffer backing
// it, which goes back to its pool once the backend has copied the bytes.
type stored struct {
	data []byte
	buf  *bytes.Buffer
}

func (s stored) release() { putBuffer(s.buf) }

// encode checks value's size and returns its stored form under storedKey.
func (sh *shaper) encode(storedKey string, value []byte) (stored, error) {
	if sh.maxBytes > 0 && len(value) > sh.maxBytes {
		return stored{}, fmt.Errorf("%w: %d bytes, limit %d", ErrValueTooLarge, len(value), sh.maxBytes)
	}
	switch {
	case sh.aead != nil:
		buf := getBuffer()
		if err := sh.seal(buf, storedKey, value); err != nil {
			putBuffer(buf)
			return stored{}, err
		}
		return stored{data: buf.Bytes(), buf: buf}, nil
	case sh.codec != "":
		buf := getBuffer()
		if err := compress(buf, sh.codec, value); err != nil {
			putBuffer(buf)
			return stored{}, err
		}
		if buf.Len() >= len(value) && !isCompressed(value) {
			putBuffer(buf) // did not shrink: store the value unmarked
			return stored{data: value}, nil
		}
		return stored{data: buf.Bytes(), buf: buf}, nil
	}
	return stored{data: value}, nil
}

// decode returns the value whose stored form under storedKey is raw. raw
// is owned by the caller and may be decrypted in place.
func (sh *shaper) decode(storedKey string, raw []byte) ([]byte, error) {
	if !sh.transforms() {
		return raw, nil
	}
	v, compressed := raw, false
	if codec, ok := envelope(v, compressedMagic); ok {
		var err error
		if v, err = sh.decompress(codec, v[envelopeHeader:]); err != nil {
			return nil, fmt.Errorf("key %q: %w", storedKey, err)
		}
		compressed = true
	}
	if sh.aead == nil {
		// Without a key, "ENC1" marks nothing: the value may be plaintext
		// that a compressing store wrote, and goforj/cache too returns it
		// as it is.
		return v, nil
	}
	if hdr, ok := envelope(v, encryptedMagic); ok {
		return sh.open(storedKey, hdr, v[envelopeHeader:])
	}
	if !sh.acceptUnencrypted && (compressed || !isCounter(v)) {
		return nil, fmt.Errorf("%w: key %q", ErrNotEncrypted, storedKey)
	}
	return v, nil
}

// decompress expands body, written with codec. With MaxValueBytes the
// output is bounded by the largest value a write could have stored (the
// limit plus encryption's overhead), and exceeding it is ErrValueTooLarge:
// that keeps a forged value from making a read allocate without limit.
// Without MaxValueBytes, output is bounded only by what the codec can
// expand to (1032 times for gzip, 64/3 for snappy), so stores shared with
// untrusted writers should set it.
func (sh *shaper) decompress(codec byte, body []byte) ([]byte, error) {
	limit := maxInt
	if sh.maxBytes > 0 {
		limit = sh.maxBytes
		if sh.aead != nil {
			limit += encryptionOverhead
		}
	}
	switch codec {
	case codecGzip:
		return gunzip(body, limit)
	case codecSnappy:
		return unsnappy(body, limit)
	}
	return nil, fmt.Errorf("%w: codec byte %#x", ErrUnsupportedCodec, codec)
}

// maxInt is the largest int, the most any slice can hold.
const maxInt = int(^uint(0) >> 1)

// isCounter reports whether v is a counter as Increment writes it: an
// int64 in the form of strconv.FormatInt, so no '+', no leading zeros and
// no "-0". Encrypting stores accept it unencrypted because counters are
// never encrypted; the narrow form keeps that exception small.
func isCounter(v []byte) bool {
	const maxLen = len("-9223372036854775808")
	if len(v) == 0 || len(v) > maxLen {
		return false
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return false
	}
	var buf [maxLen]byte
	return bytes.Equal(strconv.AppendInt(buf[:0], n, 10), v)
}
