package groupcache

import (
	"errors"
	"math"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/protoadapt"
)

// A Sink receives data from a Get call.
//
// An implementation of Getter must call exactly one of the Set methods on
// success. A Getter that returns nil without calling one makes Get fail
// with ErrNoValue rather than cache an empty value by accident. Calling a
// Set method again replaces the value.
//
// Sinks are made only by this package (StringSink, ByteViewSink, ProtoSink,
// AllocatingByteSliceSink, TruncatingByteSliceSink). A Sink is not safe for
// use by several goroutines at once.
//
// A Getter is always handed a sink of the load's own, never the one its
// caller passed to Get: the value it sets reaches every caller waiting for
// the key through the caches' copy, which no caller can change.
type Sink interface {
	// SetString sets the value to s.
	SetString(s string) error

	// SetBytes sets the value to the contents of v.
	// The caller retains ownership of v.
	SetBytes(v []byte) error

	// SetProto sets the value to the encoded version of m.
	// The caller retains ownership of m.
	//
	// m has the type of golang/groupcache's parameter, the message
	// interface of github.com/golang/protobuf, which messages generated
	// by either protobuf API implement.
	SetProto(m protoadapt.MessageV1) error

	// view returns the value that was set.
	view() (ByteView, error)
}

var (
	// ErrNoValue is returned by Get when the Getter returned nil without
	// setting a value on its Sink.
	ErrNoValue = errors.New("groupcache: Getter returned no error and set no value")

	// ErrNilDestination is returned by a Sink whose destination pointer
	// is nil, and by Get when its Sink is nil.
	ErrNilDestination = errors.New("groupcache: nil Sink destination")
)

// viewSetter is implemented by the sinks of this package, which can take a
// cached view without copying it.
type viewSetter interface {
	setView(v ByteView) error
}

// setSinkView hands a cached view to dest, without a copy when dest is one
// of this package's sinks.
func setSinkView(dest Sink, v ByteView) error {
	if vs, ok := dest.(viewSetter); ok {
		return vs.setView(v)
	}
	return dest.SetString(v.s)
}

// setProtoView encodes m and hands the encoding, which nothing else
// references, to s without another copy.
func setProtoView(s viewSetter, m protoadapt.MessageV1) error {
	b, err := proto.Marshal(protoadapt.MessageV2Of(m))
	if err != nil {
		return err
	}
	return s.setView(viewOfOwnedBytes(b))
}

// SetExpiry records that the value a Getter stores in dest is valid only
// until t: no peer serves it after t, and a Get after t loads it again. A
// Getter calls it before or after its Set call. The zero t means the value
// never expires, which is the default unless the Group has a TTL (see
// GroupOptions); so does a t after April 2262, past which Unix nanoseconds
// overflow an int64. A t before 1970 means the value has already expired.
// It has no effect on a sink that is not a Getter's.
func SetExpiry(dest Sink, t time.Time) {
	if s, ok := dest.(*loadSink); ok {
		s.expire = unixNano(t)
	}
}

// unixNano converts t to the expiry form used inside the caches and on the
// wire: Unix nanoseconds, with the zero time meaning "never". Times that
// the form cannot hold are clamped, because t.UnixNano would wrap them
// around: one after April 2262 becomes neverExpires, and one before 1970
// becomes 1, already expired but not "never".
func unixNano(t time.Time) int64 {
	switch {
	case t.IsZero():
		return 0
	case !t.After(unixEpoch):
		return 1
	case !t.Before(lastUnixNano):
		return neverExpires
	}
	return t.UnixNano()
}

// neverExpires is the expiry of a value whose expiry or TTL reaches past
// what Unix nanoseconds in an int64 can hold: no clock reads that late,
// so the value never expires, and unlike 0 it does not let a group's TTL
// apply instead.
const neverExpires = math.MaxInt64

var (
	unixEpoch    = time.Unix(0, 0)
	lastUnixNano = time.Unix(0, neverExpires)
)

// expiryAfter returns the expiry ttl after now, both in Unix nanoseconds,
// clamped to neverExpires instead of wrapping around. ttl must be
// positive.
func expiryAfter(now int64, ttl time.Duration) int64 {
	if now > neverExpires-int64(ttl) {
		return neverExpires
	}
	if e := now + int64(ttl); e > 0 {
		return e
	}
	return 1 // a clock before 1970: already expired, but not "never"
}

// loadSink is the sink a Getter fills during a load: the value as the
// caches will keep it, whether one was set, and when it expires.
type loadSink struct {
	v      ByteView
	set    bool
	expire int64 // Unix nanoseconds; 0 means never
}

func (s *loadSink) setView(v ByteView) error {
	s.v, s.set = v, true
	return nil
}

func (s *loadSink) view() (ByteView, error) {
	if !s.set {
		return ByteView{}, ErrNoValue
	}
	return s.v, nil
}

func (s *loadSink) SetString(v string) error { return s.setView(ByteView{s: v}) }

func (s *loadSink) SetBytes(b []byte) error { return s.setView(viewOfBytes(b)) }

func (s *loadSink) SetProto(m protoadapt.MessageV1) error { return setProtoView(s, m) }

// The sinks handed to callers are their destination pointers under
// another type, not structs that point to them: making one allocates
// nothing, which matters on a path that serves a cache hit.

// StringSink returns a Sink that populates the provided string pointer.
func StringSink(sp *string) Sink {
	return (*stringSink)(sp)
}

type stringSink string

func (s *stringSink) setView(v ByteView) error {
	if s == nil {
		return ErrNilDestination
	}
	*s = stringSink(v.s)
	return nil
}

func (s *stringSink) view() (ByteView, error) {
	if s == nil {
		return ByteView{}, ErrNilDestination
	}
	return ByteView{s: string(*s)}, nil
}

func (s *stringSink) SetString(v string) error { return s.setView(ByteView{s: v}) }

func (s *stringSink) SetBytes(b []byte) error { return s.setView(viewOfBytes(b)) }

func (s *stringSink) SetProto(m protoadapt.MessageV1) error { return setProtoView(s, m) }

// ByteViewSink returns a Sink that populates a ByteView.
func ByteViewSink(dst *ByteView) Sink {
	return (*byteViewSink)(dst)
}

type byteViewSink ByteView

func (s *byteViewSink) setView(v ByteView) error {
	if s == nil {
		return ErrNilDestination
	}
	*s = byteViewSink(v)
	return nil
}

func (s *byteViewSink) view() (ByteView, error) {
	if s == nil {
		return ByteView{}, ErrNilDestination
	}
	return ByteView(*s), nil
}

func (s *byteViewSink) SetString(v string) error { return s.setView(ByteView{s: v}) }

func (s *byteViewSink) SetBytes(b []byte) error { return s.setView(viewOfBytes(b)) }

func (s *byteViewSink) SetProto(m protoadapt.MessageV1) error { return setProtoView(s, m) }

// ProtoSink returns a Sink that unmarshals binary proto values into m.
// A value that does not unmarshal into m makes the Set call (and so Get)
// fail. Like Sink.SetProto, it takes any message of either protobuf API.
func ProtoSink(m protoadapt.MessageV1) Sink {
	return &protoSink{dst: m}
}

type protoSink struct {
	dst protoadapt.MessageV1
}

func (s *protoSink) setView(v ByteView) error {
	if s.dst == nil {
		return ErrNilDestination
	}
	// Unmarshal copies what it keeps, so reading the view's memory
	// directly is safe.
	return proto.Unmarshal(bytesOf(v.s), protoadapt.MessageV2Of(s.dst))
}

func (s *protoSink) view() (ByteView, error) {
	if s.dst == nil {
		return ByteView{}, ErrNilDestination
	}
	b, err := proto.Marshal(protoadapt.MessageV2Of(s.dst))
	return viewOfOwnedBytes(b), err
}

func (s *protoSink) SetString(v string) error { return s.setView(ByteView{s: v}) }

func (s *protoSink) SetBytes(b []byte) error { return s.setView(viewOfBytes(b)) }

func (s *protoSink) SetProto(m protoadapt.MessageV1) error { return setProtoView(s, m) }

// AllocatingByteSliceSink returns a Sink that allocates a byte slice to
// hold the received value and assigns it to *dst. The memory is not
// retained by groupcache: the caller may change it freely.
func AllocatingByteSliceSink(dst *[]byte) Sink {
	return (*allocBytesSink)(dst)
}

type allocBytesSink []byte

func (s *allocBytesSink) setView(v ByteView) error {
	if s == nil {
		return ErrNilDestination
	}
	*s = v.ByteSlice()
	return nil
}

func (s *allocBytesSink) view() (ByteView, error) {
	if s == nil {
		return ByteView{}, ErrNilDestination
	}
	return viewOfBytes(*s), nil
}

func (s *allocBytesSink) SetString(v string) error { return s.setView(ByteView{s: v}) }

func (s *allocBytesSink) SetBytes(b []byte) error {
	if s == nil {
		return ErrNilDestination
	}
	*s = append([]byte(nil), b...)
	return nil
}

func (s *allocBytesSink) SetProto(m protoadapt.MessageV1) error {
	if s == nil {
		return ErrNilDestination
	}
	b, err := proto.Marshal(protoadapt.MessageV2Of(m))
	if err == nil {
		*s = b // a fresh encoding: nothing else holds it
	}
	return err
}

// TruncatingByteSliceSink returns a Sink that writes up to len(*dst) bytes
// to *dst. If more bytes are available, they're silently truncated. If
// fewer bytes are available than len(*dst), *dst is shrunk to fit the
// number of bytes available.
func TruncatingByteSliceSink(dst *[]byte) Sink {
	return (*truncBytesSink)(dst)
}

type truncBytesSink []byte

func (s *truncBytesSink) setView(v ByteView) error {
	if s == nil {
		return ErrNilDestination
	}
	n := v.Copy(*s)
	*s = (*s)[:n]
	return nil
}

func (s *truncBytesSink) view() (ByteView, error) {
	if s == nil {
		return ByteView{}, ErrNilDestination
	}
	return viewOfBytes(*s), nil
}

func (s *truncBytesSink) SetString(v string) error { return s.setView(ByteView{s: v}) }

func (s *truncBytesSink) SetBytes(b []byte) error {
	if s == nil {
		return ErrNilDestination
	}
	n := copy(*s, b)
	*s = (*s)[:n]
	return nil
}

func (s *truncBytesSink) SetProto(m protoadapt.MessageV1) error { return setProtoView(s, m) }
