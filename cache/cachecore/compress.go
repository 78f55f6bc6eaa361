package cachecore

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"sync"

	"github.com/klauspost/compress/snappy"
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

// compress writes the compressed envelope of src to dst.
func compress(dst *bytes.Buffer, codec CompressionCodec, src []byte) error {
	dst.WriteString(compressedMagic)
	switch codec {
	case CompressionGzip:
		dst.WriteByte(codecGzip)
		zw, _ := gzipWriterPool.Get().(*gzip.Writer)
		if zw == nil {
			// A cache favours speed; BestSpeed is also what goforj/cache
			// writes, though readers do not depend on the level.
			zw, _ = gzip.NewWriterLevel(dst, gzip.BestSpeed)
		} else {
			zw.Reset(dst)
		}
		_, err := zw.Write(src)
		if err == nil {
			err = zw.Close()
		}
		gzipWriterPool.Put(zw)
		return err
	case CompressionSnappy:
		n := snappy.MaxEncodedLen(len(src))
		if n < 0 {
			return fmt.Errorf("%w: %d bytes is too large for snappy", ErrValueTooLarge, len(src))
		}
		dst.WriteByte(codecSnappy)
		// Snappy blocks carry no checksum, unlike gzip streams; without one
		// a damaged value could decode to a wrong value.
		dst.Write(binary.BigEndian.AppendUint32(nil, crc32.Checksum(src, castagnoli)))
		dst.Grow(n)
		// Encoding into the buffer's spare capacity and then "writing" that
		// same region commits it without a copy to a temporary slice.
		dst.Write(snappy.Encode(dst.AvailableBuffer()[:n], src))
		return nil
	}
	return fmt.Errorf("%w: %q", ErrUnsupportedCodec, codec)
}

// maxSnappyDecodedLen bounds what n bytes of a snappy block can decode to.
// The densest element is a 3-byte copy of 64 bytes, so no block written by
// snappy.Encode decodes to more than 64/3 of its size, rounded up to whole
// elements. The decoder also accepts S2 extensions that expand further, but
// no store writes them.
func maxSnappyDecodedLen(n int) uint64 {
	return uint64(n)*64/3 + 64
}

// castagnoli is the CRC-32C table of the snappy envelope's checksum.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// snappyChecksumLen is the length of the checksum before a snappy block.
const snappyChecksumLen = 4

// unsnappy decodes a snappy envelope's payload into a new slice, refusing
// to decode more than limit bytes with ErrValueTooLarge.
func unsnappy(payload []byte, limit int) ([]byte, error) {
	if len(payload) < snappyChecksumLen {
		return nil, fmt.Errorf("%w: snappy envelope of %d bytes", ErrCorruptCompression, len(payload))
	}
	sum, body := binary.BigEndian.Uint32(payload), payload[snappyChecksumLen:]
	n, err := snappy.DecodedLen(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorruptCompression, err)
	}
	// The header is checked before it sizes the output buffer, so a
	// damaged or forged one cannot make a read allocate gigabytes.
	if uint64(n) > maxSnappyDecodedLen(len(body)) {
		return nil, fmt.Errorf("%w: %d bytes of snappy claim to decode to %d", ErrCorruptCompression, len(body), n)
	}
	if n > limit {
		return nil, fmt.Errorf("%w: decodes to %d bytes, limit %d", ErrValueTooLarge, n, limit)
	}
	out, err := snappy.Decode(make([]byte, n), body)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorruptCompression, err)
	}
	if crc32.Checksum(out, castagnoli) != sum {
		return nil, fmt.Errorf("%w: snappy checksum mismatch", ErrCorruptCompression)
	}
	return out, nil
}

// gunzip decodes a gzip stream into a new slice, refusing to decode more
// than limit bytes with ErrValueTooLarge.
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
		return nil, fmt.Errorf("%w: %v", ErrCorruptCompression, err)
	}
	out := getBuffer()
	defer putBuffer(out)
	r := io.LimitReader(gr.zr, int64(min(uint64(limit)+1, uint64(maxInt))))
	if _, err := out.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorruptCompression, err)
	}
	if out.Len() > limit {
		return nil, fmt.Errorf("%w: decodes to more than %d bytes", ErrValueTooLarge, limit)
	}
	return bytes.Clone(out.Bytes()), nil
}
