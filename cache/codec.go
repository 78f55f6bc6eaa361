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

// encodeDefault JSON-encodes every value, strings and []byte included (a
// []byte as a base64 JSON string), as goforj/cache does, so that processes
// of either package read each other's typed values.
func encodeDefault[T any](v T) ([]byte, error) { return json.Marshal(v) }

// decodeDefault decodes JSON. For exactly string and []byte it falls back
// to the stored bytes themselves when they are not a JSON string, so that
// values written by SetString and SetBytes, or by versions of this package
// that stored them raw, stay readable. A raw value that happens to be a
// JSON string literal, such as the 4 bytes "ab" with their quotes, decodes
// as JSON.
func decodeDefault[T any](b []byte) (T, error) {
	var v T
	switch p := any(&v).(type) {
	case *string:
		if isJSONString(b) && json.Unmarshal(b, p) == nil {
			return v, nil
		}
		*p = string(b)
		return v, nil
	case *[]byte:
		if isJSONString(b) && json.Unmarshal(b, p) == nil {
			return v, nil
		}
		*p = bytes.Clone(b)
		return v, nil
	}
	return decodeJSON[T](b)
}

func isJSONString(b []byte) bool {
	return len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"'
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
