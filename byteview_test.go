package groupcache

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// views returns the same contents as a view made from a string, from
// bytes, and as a slice of a larger view.
func views(s string) map[string]ByteView {
	return map[string]ByteView{
		"string": {s: s},
		"bytes":  viewOfBytes([]byte(s)),
		"slice":  ByteView{s: "<<" + s + ">>"}.Slice(2, 2+len(s)),
	}
}

func TestByteViewMatchesString(t *testing.T) {
	for _, s := range []string{"", "x", "hello, world", "\x00\xff binary"} {
		for kind, v := range views(s) {
			if v.Len() != len(s) || v.String() != s || string(v.ByteSlice()) != s {
				t.Errorf("%s view of %q: Len %d String %q ByteSlice %q", kind, s, v.Len(), v.String(), v.ByteSlice())
			}
			if !v.EqualString(s) || !v.EqualBytes([]byte(s)) || !v.Equal(ByteView{s: s}) {
				t.Errorf("%s view of %q is not equal to its contents", kind, s)
			}
			if v.EqualString(s+"!") || v.EqualBytes([]byte(s+"!")) {
				t.Errorf("%s view of %q equals a longer value", kind, s)
			}
			for i := 0; i < len(s); i++ {
				if v.At(i) != s[i] {
					t.Errorf("%s view of %q: At(%d) = %q", kind, s, i, v.At(i))
				}
				if v.SliceFrom(i).String() != s[i:] {
					t.Errorf("%s view of %q: SliceFrom(%d) = %q", kind, s, i, v.SliceFrom(i))
				}
			}
			dest := make([]byte, 3)
			if n := v.Copy(dest); n != min(3, len(s)) || string(dest[:n]) != s[:n] {
				t.Errorf("%s view of %q: Copy = %d, %q", kind, s, n, dest[:n])
			}
			all, err := io.ReadAll(v.Reader())
			if err != nil || string(all) != s {
				t.Errorf("%s view of %q: Reader gave %q, %v", kind, s, all, err)
			}
			var buf bytes.Buffer
			if n, err := v.WriteTo(&buf); err != nil || n != int64(len(s)) || buf.String() != s {
				t.Errorf("%s view of %q: WriteTo = %d, %v, %q", kind, s, n, err, buf.String())
			}
		}
	}
}

func TestByteViewReadAt(t *testing.T) {
	v := ByteView{s: "abcdef"}
	p := make([]byte, 4)
	if n, err := v.ReadAt(p, 1); n != 4 || err != nil || string(p) != "bcde" {
		t.Errorf("ReadAt(4, 1) = %d, %v, %q", n, err, p)
	}
	if n, err := v.ReadAt(p, 4); n != 2 || err != io.EOF || string(p[:n]) != "ef" {
		t.Errorf("ReadAt past the end = %d, %v; want 2, io.EOF", n, err)
	}
	if n, err := v.ReadAt(p, 6); n != 0 || err != io.EOF {
		t.Errorf("ReadAt at the end = %d, %v", n, err)
	}
	if _, err := v.ReadAt(p, -1); !errors.Is(err, errNegativeOffset) {
		t.Errorf("ReadAt(-1) error = %v", err)
	}
}

func TestByteViewByteSliceIsACopy(t *testing.T) {
	v := viewOfBytes([]byte("immutable"))
	b := v.ByteSlice()
	b[0] = 'X'
	if v.String() != "immutable" {
		t.Fatalf("changing ByteSlice's result changed the view to %q", v)
	}
}

type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return len(p) / 2, nil }

func TestByteViewWriteToShortWrite(t *testing.T) {
	if _, err := (ByteView{s: "abcd"}).WriteTo(shortWriter{}); !errors.Is(err, io.ErrShortWrite) {
		t.Fatalf("WriteTo a short writer: %v; want io.ErrShortWrite", err)
	}
}
