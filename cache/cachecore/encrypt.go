package cachecore

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"
)

// maxGCMPlaintext is the most AES-GCM may encrypt under one nonce:
// 2^32 - 2 blocks of 16 bytes.
const maxGCMPlaintext = (1<<32 - 2) * 16

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrEncryptionKey, err)
	}
	return cipher.NewGCM(block)
}

// additionalData is what a ciphertext is authenticated with besides the
// key: nothing in goforj/cache's format, the stored key when key-bound.
func (sh *shaper) additionalData(storedKey string) []byte {
	if sh.keyBound {
		return []byte(storedKey)
	}
	return nil
}

// seal writes the encrypted envelope of plain to dst.
func (sh *shaper) seal(dst *bytes.Buffer, storedKey string, plain []byte) error {
	if uint64(len(plain)) > maxGCMPlaintext {
		return fmt.Errorf("%w: %d bytes", ErrEncryptValueTooBig, len(plain))
	}
	hdr := byte(gcmNonceSize)
	if sh.keyBound {
		hdr |= keyBoundFlag
	}
	dst.Grow(encryptionOverhead + len(plain))
	dst.WriteString(encryptedMagic)
	dst.WriteByte(hdr)
	out := dst.AvailableBuffer()[:gcmNonceSize]
	if _, err := rand.Read(out); err != nil {
		return fmt.Errorf("cache: reading nonce: %w", err)
	}
	out = sh.aead.Seal(out, out, plain, sh.additionalData(storedKey))
	// out lives in dst's spare capacity; Write commits it in place.
	dst.Write(out)
	return nil
}

// open authenticates and decrypts body, the part of an encrypted envelope
// after its header byte hdr, in place. A key-bound store accepts only
// key-bound envelopes, so that the binding cannot be bypassed by storing
// a value sealed without it.
func (sh *shaper) open(storedKey string, hdr byte, body []byte) ([]byte, error) {
	keyBound := hdr&keyBoundFlag != 0
	switch {
	case int(hdr&^keyBoundFlag) != gcmNonceSize:
		return nil, fmt.Errorf("%w: key %q: unknown envelope header %#x", ErrDecryptFailed, storedKey, hdr)
	case sh.keyBound && !keyBound:
		return nil, fmt.Errorf("%w: key %q: value is not bound to its key", ErrDecryptFailed, storedKey)
	case len(body) < gcmNonceSize+sh.aead.Overhead():
		return nil, fmt.Errorf("%w: key %q: envelope of %d bytes is too short", ErrDecryptFailed, storedKey, len(body))
	}
	var ad []byte
	if keyBound {
		ad = []byte(storedKey)
	}
	nonce, sealed := body[:gcmNonceSize], body[gcmNonceSize:]
	plain, err := sh.aead.Open(sealed[:0], nonce, sealed, ad)
	if err != nil {
		return nil, fmt.Errorf("%w: key %q", ErrDecryptFailed, storedKey)
	}
	return plain, nil
}
