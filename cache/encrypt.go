package cache

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// maxGCMPlaintext is the most AES-GCM may encrypt under one nonce:
// 2^32 - 2 blocks of 16 bytes.
const maxGCMPlaintext = (1<<32 - 2) * 16

func newAEAD(key []byte) (cipher.AEAD, error) {
	switch len(key) {
	case 16, 24, 32:
	default:
		return nil, fmt.Errorf("%w: got %d bytes", cachecore.ErrEncryptionKey, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", cachecore.ErrEncryptionKey, err)
	}
	return cipher.NewGCM(block)
}

// seal writes nonce || ciphertext of plain to dst. The cache key is the
// additional authenticated data, so a ciphertext copied under another key
// (by a backend bug or an attacker with write access) fails to open instead
// of being served as that key's value.
func seal(dst *bytes.Buffer, aead cipher.AEAD, key string, plain []byte) error {
	if uint64(len(plain)) > maxGCMPlaintext {
		return fmt.Errorf("%w: %d bytes", cachecore.ErrEncryptValueTooBig, len(plain))
	}
	ns := aead.NonceSize()
	dst.Grow(ns + len(plain) + aead.Overhead())
	out := dst.AvailableBuffer()[:ns]
	if _, err := rand.Read(out); err != nil {
		return fmt.Errorf("cache: reading nonce: %w", err)
	}
	out = aead.Seal(out, out[:ns], plain, []byte(key))
	// out lives in dst's spare capacity; Write commits it in place.
	dst.Write(out)
	return nil
}

// open authenticates and decrypts sealed in place; the caller owns sealed.
func open(aead cipher.AEAD, key string, sealed []byte) ([]byte, error) {
	ns := aead.NonceSize()
	if len(sealed) < ns+aead.Overhead() {
		return nil, fmt.Errorf("%w: payload of %d bytes is too short", cachecore.ErrDecryptFailed, len(sealed))
	}
	nonce, body := sealed[:ns], sealed[ns:]
	plain, err := aead.Open(body[:0], nonce, body, []byte(key))
	if err != nil {
		return nil, fmt.Errorf("%w: key %q", cachecore.ErrDecryptFailed, key)
	}
	return plain, nil
}
