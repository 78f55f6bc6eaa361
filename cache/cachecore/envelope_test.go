package cachecore_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"testing"
	"time"

	"github.com/klauspost/compress/snappy"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// The vectors below are built byte by byte from the format documented in
// package cache, with the standard library's primitives and never with the
// encoder under test, so that they pin the format rather than the code.

var (
	vecKey   = []byte("0123456789abcdef0123456789abcdef")
	vecNonce = []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
)

// shaped returns cfg applied to a fresh memory store, and the store itself
// for reading and planting stored forms.
func shaped(t *testing.T, cfg cachecore.BaseConfig) (s, raw cachecore.Store) {
	t.Helper()
	raw = cache.NewMemoryStore(t.Context())
	s, err := cachecore.WrapStore(raw, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, raw
}

// storedGzip is a gzip member (RFC 1952) holding data in one stored, that
// is uncompressed, deflate block (RFC 1951 section 3.2.4).
func storedGzip(data []byte) []byte {
	b := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff} // magic, deflate, no flags, mtime, xfl, OS unknown
	b = append(b, 1)                                   // BFINAL=1, BTYPE=00 (stored)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(data)))
	b = binary.LittleEndian.AppendUint16(b, ^uint16(len(data)))
	b = append(b, data...)
	b = binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(data))
	return binary.LittleEndian.AppendUint32(b, uint32(len(data)))
}

// stdGzip compresses data with the standard library at BestSpeed, as
// goforj/cache does.
func stdGzip(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	_, _ = zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gcm(t *testing.T, key []byte) cipher.AEAD {
	t.Helper()
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	return aead
}

// enc1 is an encrypted envelope: "ENC1", header byte, nonce, AES-GCM
// ciphertext and tag of plain with additional data ad.
func enc1(t *testing.T, hdr byte, plain, ad []byte) []byte {
	t.Helper()
	b := append([]byte("ENC1"), hdr)
	b = append(b, vecNonce...)
	return gcm(t, vecKey).Seal(b, vecNonce, plain, ad)
}

func cmp1(codec byte, payload []byte) []byte {
	return append([]byte{'C', 'M', 'P', '1', codec}, payload...)
}

func expectValue(t *testing.T, s cachecore.Store, key string, want []byte) {
	t.Helper()
	v, found, err := s.Get(context.Background(), key)
	if err != nil || !found || !bytes.Equal(v, want) {
		t.Fatalf("Get(%q) = %q, %v, %v; want %q", key, v, found, err, want)
	}
}

func expectError(t *testing.T, s cachecore.Store, key string, want error) {
	t.Helper()
	v, found, err := s.Get(context.Background(), key)
	if !errors.Is(err, want) || found {
		t.Fatalf("Get(%q) = %q, %v, %v; want %v", key, v, found, err, want)
	}
}

func plant(t *testing.T, raw cachecore.Store, key string, stored []byte) {
	t.Helper()
	if err := raw.Set(context.Background(), key, stored, time.Hour); err != nil {
		t.Fatal(err)
	}
}

func TestReadsGoforjCompressedValues(t *testing.T) {
	plain := []byte(`{"user":"ada","visits":3}`)
	for _, cfg := range []cachecore.BaseConfig{
		{Compression: cachecore.CompressionGzip},
		{Compression: cachecore.CompressionSnappy}, // the envelope names its codec
		{EncryptionKey: vecKey, AcceptUnencrypted: true},
	} {
		s, raw := shaped(t, cfg)
		plant(t, raw, "stored", cmp1('g', storedGzip(plain)))
		expectValue(t, s, "stored", plain)
		plant(t, raw, "deflated", cmp1('g', stdGzip(t, plain)))
		expectValue(t, s, "deflated", plain)
	}
}

func TestReadsGoforjEncryptedValues(t *testing.T) {
	plain := []byte("secret")
	s, raw := shaped(t, cachecore.BaseConfig{EncryptionKey: vecKey})
	plant(t, raw, "k", enc1(t, 0x0c, plain, nil))
	expectValue(t, s, "k", plain)
	// goforj's envelope does not bind the value to its key, so a copy
	// under another key decrypts too: the reason for KeyBoundEncryption.
	plant(t, raw, "copy", enc1(t, 0x0c, plain, nil))
	expectValue(t, s, "copy", plain)

	bound, raw := shaped(t, cachecore.BaseConfig{EncryptionKey: vecKey, KeyBoundEncryption: true})
	plant(t, raw, "k", enc1(t, 0x0c, plain, nil))
	expectError(t, bound, "k", cachecore.ErrDecryptFailed)

	for name, bad := range map[string][]byte{
		"nonce length 8":   append([]byte("ENC1\x08"), enc1(t, 0x0c, plain, nil)[5:]...),
		"truncated nonce":  []byte("ENC1\x0c\x00\x01"),
		"flipped tag bit":  func() []byte { b := enc1(t, 0x0c, plain, nil); b[len(b)-1] ^= 1; return b }(),
		"other key's data": gcm(t, vecKey[:16]).Seal(append([]byte("ENC1\x0c"), vecNonce...), vecNonce, plain, nil),
	} {
		plant(t, raw, "bad", bad)
		s, _ := cachecore.WrapStore(raw, cachecore.BaseConfig{EncryptionKey: vecKey})
		if _, _, err := s.Get(context.Background(), "bad"); !errors.Is(err, cachecore.ErrDecryptFailed) {
			t.Errorf("%s: Get = %v, want ErrDecryptFailed", name, err)
		}
	}
}

// TestReadsGoforjCombinedValues reads goforj's form of a value both
// encrypted and compressed: the encrypted envelope inside the compressed
// one.
func TestReadsGoforjCombinedValues(t *testing.T) {
	plain := []byte("compressed after encryption")
	stored := cmp1('g', storedGzip(enc1(t, 0x0c, plain, nil)))
	for _, cfg := range []cachecore.BaseConfig{
		{EncryptionKey: vecKey, Compression: cachecore.CompressionGzip},
		{EncryptionKey: vecKey},
	} {
		s, raw := shaped(t, cfg)
		plant(t, raw, "k", stored)
		expectValue(t, s, "k", plain)
	}
}

func TestReadsKeyBoundValues(t *testing.T) {
	plain := []byte("bound")
	for _, cfg := range []cachecore.BaseConfig{
		{Prefix: "app", EncryptionKey: vecKey, KeyBoundEncryption: true},
		{Prefix: "app", EncryptionKey: vecKey}, // reading the binding needs no option
	} {
		s, raw := shaped(t, cfg)
		stored := enc1(t, 0x8c, plain, []byte("app:k")) // the stored key, prefix included
		plant(t, raw, "app:k", stored)
		expectValue(t, s, "k", plain)
		plant(t, raw, "app:moved", stored)
		expectError(t, s, "moved", cachecore.ErrDecryptFailed)
	}
}

// TestUnmarkedValues covers values without an envelope: compressing stores
// return them as they are, as goforj/cache does; encrypting stores refuse
// them unless they are counters or the store accepts them.
func TestUnmarkedValues(t *testing.T) {
	gz, raw := shaped(t, cachecore.BaseConfig{Compression: cachecore.CompressionGzip})
	for _, v := range []string{"", "plain", "CMP1", "ENC"} {
		plant(t, raw, "k", []byte(v))
		expectValue(t, gz, "k", []byte(v))
	}

	strict, raw := shaped(t, cachecore.BaseConfig{EncryptionKey: vecKey})
	loose, _ := cachecore.WrapStore(raw, cachecore.BaseConfig{EncryptionKey: vecKey, AcceptUnencrypted: true})
	for _, v := range []string{"0", "42", "-7", "9223372036854775807", "-9223372036854775808"} {
		plant(t, raw, "k", []byte(v))
		expectValue(t, strict, "k", []byte(v))
	}
	for _, v := range []string{"", "planted", "042", "+1", "-0", "4 ", "9223372036854775808"} {
		plant(t, raw, "k", []byte(v))
		expectError(t, strict, "k", cachecore.ErrNotEncrypted)
		expectError(t, strict, "k", cachecore.ErrDecryptFailed)
		expectValue(t, loose, "k", []byte(v))
	}
	// Counters are never compressed, so a compressed one was planted.
	plant(t, raw, "k", cmp1('g', storedGzip([]byte("42"))))
	expectError(t, strict, "k", cachecore.ErrNotEncrypted)
}

func TestUnknownEnvelopes(t *testing.T) {
	s, raw := shaped(t, cachecore.BaseConfig{Compression: cachecore.CompressionGzip})
	plant(t, raw, "k", cmp1('z', []byte{1, 2, 3}))
	expectError(t, s, "k", cachecore.ErrUnsupportedCodec)
	// Without a key, an encrypted value is bytes like any other, as in
	// goforj/cache: the store cannot tell it from a value beginning "ENC1".
	stored := enc1(t, 0x0c, []byte("x"), nil)
	plant(t, raw, "k", stored)
	expectValue(t, s, "k", stored)
}

// TestWritesGoforjReadableValues decodes what the default options write the
// way goforj/cache reads it.
func TestWritesGoforjReadableValues(t *testing.T) {
	ctx := context.Background()
	plain := bytes.Repeat([]byte("goforj reads this "), 20)

	gz, raw := shaped(t, cachecore.BaseConfig{Compression: cachecore.CompressionGzip})
	if err := gz.Set(ctx, "k", plain, time.Hour); err != nil {
		t.Fatal(err)
	}
	stored, _, _ := raw.Get(ctx, "k")
	if !bytes.HasPrefix(stored, []byte("CMP1g")) {
		t.Fatalf("gzip value stored as %q", stored[:min(len(stored), 8)])
	}
	zr, err := gzip.NewReader(bytes.NewReader(stored[5:]))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("gunzip of the stored value = %q, %v", got, err)
	}

	for _, tc := range []struct {
		cfg       cachecore.BaseConfig
		storedKey string
		hdr       byte
		ad        []byte
	}{
		{cachecore.BaseConfig{EncryptionKey: vecKey, Compression: cachecore.CompressionGzip}, "k", 0x0c, nil},
		{cachecore.BaseConfig{Prefix: "p", EncryptionKey: vecKey, KeyBoundEncryption: true}, "p:k", 0x8c, []byte("p:k")},
	} {
		s, raw := shaped(t, tc.cfg)
		if err := s.Set(ctx, "k", plain, time.Hour); err != nil {
			t.Fatal(err)
		}
		stored, _, _ := raw.Get(ctx, tc.storedKey)
		if len(stored) < 5+12+16 || string(stored[:4]) != "ENC1" || stored[4] != tc.hdr {
			t.Fatalf("encrypted value stored as %q", stored[:min(len(stored), 8)])
		}
		got, err := gcm(t, vecKey).Open(nil, stored[5:17], stored[17:], tc.ad)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("opening the stored value = %q, %v", got, err)
		}
	}

	sn, raw := shaped(t, cachecore.BaseConfig{Compression: cachecore.CompressionSnappy})
	if err := sn.Set(ctx, "k", plain, time.Hour); err != nil {
		t.Fatal(err)
	}
	stored, _, _ = raw.Get(ctx, "k")
	if !bytes.HasPrefix(stored, []byte("CMP1s")) {
		t.Fatalf("snappy value stored as %q", stored[:min(len(stored), 8)])
	}
	got, err := snappy.Decode(nil, stored[9:])
	sum := crc32.Checksum(plain, crc32.MakeTable(crc32.Castagnoli))
	if err != nil || !bytes.Equal(got, plain) || binary.BigEndian.Uint32(stored[5:]) != sum {
		t.Fatalf("snappy envelope decodes to %q, %v, checksum %x want %x", got, err, stored[5:9], sum)
	}
}

// TestEveryOptionRoundTrips writes and reads values through every
// combination of options, including values that look like envelopes.
func TestEveryOptionRoundTrips(t *testing.T) {
	ctx := context.Background()
	configs := map[string]cachecore.BaseConfig{
		"prefix":         {Prefix: "p"},
		"limit":          {MaxValueBytes: 1 << 20},
		"gzip":           {Compression: cachecore.CompressionGzip},
		"snappy":         {Compression: cachecore.CompressionSnappy, MaxValueBytes: 1 << 20},
		"aes128":         {EncryptionKey: vecKey[:16]},
		"aes192":         {EncryptionKey: vecKey[:24], AcceptUnencrypted: true},
		"aes256 gzip":    {EncryptionKey: vecKey, Compression: cachecore.CompressionGzip, MaxValueBytes: 1 << 20},
		"key-bound":      {EncryptionKey: vecKey, KeyBoundEncryption: true, Prefix: "p"},
		"key-bound snap": {EncryptionKey: vecKey, KeyBoundEncryption: true, Compression: cachecore.CompressionSnappy},
	}
	values := [][]byte{
		{}, []byte("x"), []byte("42"), []byte("CMP1"), []byte("CMP1g\x1f\x8b"), []byte("ENC1\x0c"),
		bytes.Repeat([]byte("compressible "), 1000),
	}
	for name, cfg := range configs {
		s, _ := shaped(t, cfg)
		for i, v := range values {
			k := string(rune('a' + i))
			if err := s.Set(ctx, k, v, time.Hour); err != nil {
				t.Fatalf("%s: Set(%q): %v", name, v, err)
			}
			got, found, err := s.Get(ctx, k)
			if err != nil || !found || !bytes.Equal(got, v) {
				t.Fatalf("%s: round trip of %q = %q, %v, %v", name, v[:min(len(v), 16)], got[:min(len(got), 16)], found, err)
			}
			if ok, err := s.Add(ctx, k+"2", v, time.Hour); !ok || err != nil {
				t.Fatalf("%s: Add = %v, %v", name, ok, err)
			}
			if got, _, _, err := s.(cachecore.ExpiryGetter).GetWithExpiry(ctx, k+"2"); err != nil || !bytes.Equal(got, v) {
				t.Fatalf("%s: GetWithExpiry after Add = %q, %v", name, got, err)
			}
			if ok, err := cachecore.CompareAndDelete(ctx, s, k, v); !ok || err != nil {
				t.Fatalf("%s: CompareAndDelete = %v, %v", name, ok, err)
			}
		}
	}
}

// TestCountersBypassShaping checks that counters reach the backend as
// decimal text, which backends can increment natively and goforj/cache
// reads, and that a value Set through the shaping is converted.
func TestCountersBypassShaping(t *testing.T) {
	ctx := context.Background()
	s, raw := shaped(t, cachecore.BaseConfig{Prefix: "p", EncryptionKey: vecKey, Compression: cachecore.CompressionGzip})
	if n, err := s.Increment(ctx, "n", 5, time.Hour); n != 5 || err != nil {
		t.Fatalf("Increment = %d, %v", n, err)
	}
	expectValue(t, raw, "p:n", []byte("5"))
	expectValue(t, s, "n", []byte("5"))

	if err := s.Set(ctx, "set", []byte("41"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if stored, _, _ := raw.Get(ctx, "p:set"); !bytes.HasPrefix(stored, []byte("ENC1")) {
		t.Fatalf("Set stored %q, want an encrypted value", stored)
	}
	if n, err := s.Decrement(ctx, "set", -1, time.Minute); n != 42 || err != nil {
		t.Fatalf("Decrement of a shaped 41 = %d, %v", n, err)
	}
	expectValue(t, raw, "p:set", []byte("42"))
	_, at, _, _ := raw.(cachecore.ExpiryGetter).GetWithExpiry(ctx, "p:set")
	if left := time.Until(at); left > time.Minute || left < 59*time.Second {
		t.Fatalf("converted counter expires in %v, want the minute of the Decrement", left)
	}

	if err := s.Set(ctx, "word", []byte("abc"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Increment(ctx, "word", 1, time.Hour); !errors.Is(err, cachecore.ErrNotNumeric) {
		t.Fatalf("Increment of a shaped word = %v, want ErrNotNumeric", err)
	}
	expectValue(t, s, "word", []byte("abc"))
}

// TestDecompressionBombIsRefused stores a few KiB of gzip that expand to
// 64 MiB. With MaxValueBytes, reading it must stop at the limit.
func TestDecompressionBombIsRefused(t *testing.T) {
	bomb := cmp1('g', stdGzip(t, make([]byte, 64<<20)))
	s, raw := shaped(t, cachecore.BaseConfig{Compression: cachecore.CompressionGzip, MaxValueBytes: 1 << 20})
	plant(t, raw, "k", bomb)
	expectError(t, s, "k", cachecore.ErrValueTooLarge)
}
