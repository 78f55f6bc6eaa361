package cache

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ValueCodec defines how to encode/decode typed values for helper
// operations. A nil Encode or Decode falls back to the default codec, so
// the zero ValueCodec is the default codec.
type ValueCodec[T any] struct {
	Encode func(T) ([]byte, error)
	Decode func([]byte) (T, error)
}

func (vc ValueCodec[T]) encode(v T) ([]byte, error) {
	if vc.Encode != nil {
		return vc.Encode(v)
	}
	return encodeDefault(v)
}

func (vc ValueCodec[T]) decode(b []byte) (T, error) {
	if vc.Decode != nil {
		return vc.Decode(b)
	}
	return decodeDefault[T](b)
}

// encodeDefault stores string and []byte as their raw bytes, so the typed
// and the bytes/string APIs read each other's values, and JSON-encodes
// everything else. Only those exact types are raw; named types such as
// `type Mode string` go through JSON like any other type.
func encodeDefault[T any](v T) ([]byte, error) {
	switch x := any(v).(type) {
	case string:
		return []byte(x), nil
	case []byte:
		return x, nil
	}
	return json.Marshal(v)
}

func decodeDefault[T any](b []byte) (T, error) {
	var v T
	switch p := any(&v).(type) {
	case *string:
		*p = string(b)
		return v, nil
	case *[]byte:
		*p = bytes.Clone(b)
		return v, nil
	}
	return decodeJSON[T](b)
}

func encodeJSON[T any](v T) ([]byte, error) { return json.Marshal(v) }

func decodeJSON[T any](b []byte) (T, error) {
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return v, fmt.Errorf("cache: decoding %T: %w", v, err)
	}
	return v, nil
}

// jsonCodec returns a codec that always uses JSON.
func jsonCodec[T any]() ValueCodec[T] {
	return ValueCodec[T]{Encode: encodeJSON[T], Decode: decodeJSON[T]}
}
