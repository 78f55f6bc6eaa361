package groupcache

import (
	"errors"
	"io"
	"strings"
	"unsafe"
)

// A ByteView holds an immutable view of bytes. Whether it was made from a
// []byte or a string is invisible to callers.
//
// A ByteView is meant to be used as a value type, not a pointer (like a
// time.Time). Its zero value is an empty view.
//
// Internally every view is a string. Bytes handed to a view are copied once
// into memory that nothing else references, so the view can alias that copy
// as a string: reading a cached value as a string then costs no allocation,
// and no caller can reach the bytes to change them.
type ByteView struct {
	s string
}

// viewOfOwnedBytes returns a view of b without copying it. The caller must
// guarantee that nothing writes to b afterwards.
func viewOfOwnedBytes(b []byte) ByteView {
	if len(b) == 0 {
		return ByteView{}
	}
	return ByteView{s: unsafe.String(&b[0], len(b))}
}

// viewOfBytes returns a view of a private copy of b.
func viewOfBytes(b []byte) ByteView {
	return ByteView{s: string(b)}
}

// bytesOf returns the bytes of s without copying them. The result must
// never be written to.
func bytesOf(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// Len returns the view's length.
func (v ByteView) Len() int {
	return len(v.s)
}

// ByteSlice returns a copy of the data as a byte slice. The caller owns the
// result and may change it without affecting the view.
func (v ByteView) ByteSlice() []byte {
	return []byte(v.s)
}

// String returns the data as a string. Views are immutable, so no copy is
// needed.
func (v ByteView) String() string {
	return v.s
}

// At returns the byte at index i. It panics if i is out of range, as
// indexing a slice does.
func (v ByteView) At(i int) byte {
	return v.s[i]
}

// Slice slices the view between the provided from and to indices. It
// panics if the indices are out of range, as slicing does. The result
// shares the view's memory.
func (v ByteView) Slice(from, to int) ByteView {
	return ByteView{s: v.s[from:to]}
}

// SliceFrom slices the view from the provided index until the end. It
// panics if from is out of range, as slicing does.
func (v ByteView) SliceFrom(from int) ByteView {
	return ByteView{s: v.s[from:]}
}

// Copy copies the view's bytes into dest and returns the number of bytes
// copied, which is the smaller of v.Len() and len(dest).
func (v ByteView) Copy(dest []byte) int {
	return copy(dest, v.s)
}

// Equal reports whether the bytes in v are the same as the bytes in b2.
func (v ByteView) Equal(b2 ByteView) bool {
	return v.s == b2.s
}

// EqualString reports whether the bytes in v are the same as the bytes in s.
func (v ByteView) EqualString(s string) bool {
	return v.s == s
}

// EqualBytes reports whether the bytes in v are the same as the bytes in b2.
func (v ByteView) EqualBytes(b2 []byte) bool {
	return v.s == string(b2) // the conversion does not allocate
}

// Reader returns an io.ReadSeeker for the bytes in v.
func (v ByteView) Reader() io.ReadSeeker {
	return strings.NewReader(v.s)
}

// errNegativeOffset is returned by ReadAt for an offset before the start.
var errNegativeOffset = errors.New("groupcache: ByteView.ReadAt: negative offset")

// ReadAt implements io.ReaderAt on the bytes in v. As io.ReaderAt requires,
// it returns a non-nil error (io.EOF) whenever it reads fewer than len(p)
// bytes.
func (v ByteView) ReadAt(p []byte, off int64) (n int, err error) {
	if off < 0 {
		return 0, errNegativeOffset
	}
	if off >= int64(len(v.s)) {
		return 0, io.EOF
	}
	n = copy(p, v.s[off:])
	if n < len(p) {
		err = io.EOF
	}
	return n, err
}

// WriteTo implements io.WriterTo on the bytes in v. It reports
// io.ErrShortWrite if w accepts fewer bytes than the view holds without
// saying why.
func (v ByteView) WriteTo(w io.Writer) (n int64, err error) {
	m, err := io.WriteString(w, v.s)
	if err == nil && m < len(v.s) {
		err = io.ErrShortWrite
	}
	return int64(m), err
}
