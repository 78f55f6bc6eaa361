package cache

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/snappy"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// Compressed values start with one byte naming how the rest is encoded, so a
// value that would not shrink is stored as-is and a store can still read
// values after its codec setting changed.
const (
	frameRaw    byte = 0
	frameGzip   byte = 1
	frameSnappy byte = 2
)

// Pools keep the hot paths from allocating a gzip state (hundreds of KiB) or
// a scratch buffer per operation.
var (
	bufferPool     = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	gzipWriterPool sync.Pool // *gzip.Writer
	gzipReaderPool sync.Pool // *gzipReader
)

func getBuffer() *bytes.Buffer {
	b := bufferPool.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

// putBuffer returns b to the pool unless it grew so large that keeping it
// would pin memory for one unusual value.
func putBuffer(b *bytes.Buffer) {
	const maxPooled = 1 << 20
	if b == nil || b.Cap() > maxPooled {
		return
	}
	bufferPool.Put(b)
}

// gzipReader pairs a reusable gzip.Reader with the bytes.Reader feeding it.
type gzipReader struct {
	src bytes.Reader
	zr  *gzip.Reader
}

func validCodec(c cachecore.CompressionCodec) bool {
	switch c {
	case "", cachecore.CompressionNone, cachecore.CompressionGzip, cachecore.CompressionSnappy:
		return true
	}
	return false
}

func compressing(c cachecore.CompressionCodec) bool {
	return c != "" && c != cachecore.CompressionNone
}

// compress writes the framed form of src to dst.
func compress(dst *bytes.Buffer, codec cachecore.CompressionCodec, src []byte) error {
	switch codec {
	case cachecore.CompressionGzip:
		dst.WriteByte(frameGzip)
		zw, _ := gzipWriterPool.Get().(*gzip.Writer)
		if zw == nil {
			zw = gzip.NewWriter(dst)
		} else {
			zw.Reset(dst)
		}
		_, err := zw.Write(src)
		if err == nil {
			err = zw.Close()
		}
		gzipWriterPool.Put(zw)
		if err != nil {
			return err
		}
	case cachecore.CompressionSnappy:
		n := snappy.MaxEncodedLen(len(src))
		if n < 0 {
			return fmt.Errorf("%w: %d bytes is too large for snappy", cachecore.ErrValueTooLarge, len(src))
		}
		dst.WriteByte(frameSnappy)
		dst.Grow(n)
		// Encoding into the buffer's spare capacity and then "writing" that
		// same region commits it without a copy to a temporary slice.
		dst.Write(snappy.Encode(dst.AvailableBuffer()[:n], src))
	default:
		return fmt.Errorf("%w: %q", cachecore.ErrUnsupportedCodec, codec)
	}
	if dst.Len()-1 >= len(src) {
		dst.Reset()
		dst.WriteByte(frameRaw)
		dst.Write(src)
	}
	return nil
}

// decompress decodes a framed value into a new slice. limit > 0 bounds the
// decoded size: no value that large was ever written, so a bigger result
// means the payload is corrupt, and stopping early defuses compression bombs.
func decompress(src []byte, limit int) ([]byte, error) {
	if len(src) == 0 {
		return nil, fmt.Errorf("%w: missing frame byte", cachecore.ErrCorruptCompression)
	}
	frame, body := src[0], src[1:]
	switch frame {
	case frameRaw:
		return body, nil
	case frameGzip:
		return gunzip(body, limit)
	case frameSnappy:
		n, err := snappy.DecodedLen(body)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", cachecore.ErrCorruptCompression, err)
		}
		// The header is checked before it sizes the output buffer, so a
		// damaged or forged one cannot make a read allocate gigabytes.
		if uint64(n) > maxSnappyDecodedLen(len(body)) {
			return nil, fmt.Errorf("%w: %d bytes of snappy claim to decode to %d", cachecore.ErrCorruptCompression, len(body), n)
		}
		if limit > 0 && n > limit {
			return nil, fmt.Errorf("%w: decodes to %d bytes, limit %d", cachecore.ErrCorruptCompression, n, limit)
		}
		out, err := snappy.Decode(make([]byte, n), body)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", cachecore.ErrCorruptCompression, err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: unknown frame byte %#x", cachecore.ErrUnsupportedCodec, frame)
}

// maxSnappyDecodedLen bounds what n bytes of a snappy block can decode to.
// The densest element is a 3-byte copy of 64 bytes, so no block written by
// snappy.Encode decodes to more than 64/3 of its size, rounded up to whole
// elements. The decoder also accepts S2 extensions that expand further, but
// this store never writes them.
func maxSnappyDecodedLen(n int) uint64 {
	return uint64(n)*64/3 + 64
}

func gunzip(body []byte, limit int) ([]byte, error) {
	gr, _ := gzipReaderPool.Get().(*gzipReader)
	if gr == nil {
		gr = new(gzipReader)
	}
	defer func() {
		gr.src.Reset(nil) // do not pin the caller's payload while pooled
		gzipReaderPool.Put(gr)
	}()
	gr.src.Reset(body)
	var err error
	if gr.zr == nil {
		gr.zr, err = gzip.NewReader(&gr.src)
	} else {
		err = gr.zr.Reset(&gr.src)
	}
	if err != nil {
		gr.zr = nil
		return nil, fmt.Errorf("%w: %v", cachecore.ErrCorruptCompression, err)
	}
	out := getBuffer()
	defer putBuffer(out)
	var r io.Reader = gr.zr
	if limit > 0 {
		r = io.LimitReader(gr.zr, int64(limit)+1)
	}
	if _, err := out.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("%w: %v", cachecore.ErrCorruptCompression, err)
	}
	if limit > 0 && out.Len() > limit {
		return nil, fmt.Errorf("%w: decodes to more than %d bytes", cachecore.ErrCorruptCompression, limit)
	}
	return bytes.Clone(out.Bytes()), nil
}
