package cache

import "time"

// Get returns a typed value for key using the default codec (see Set)
// when present. As in goforj/cache, a value that does not decode into T is
// reported as an error with found false.
func Get[T any](cache *Cache, key string) (T, bool, error) {
	return getWith(cache, key, ValueCodec[T]{})
}

// GetJSON decodes a JSON value into T when key exists, using the Cache's
// context. Unlike Get, it does not fall back to the raw bytes for string
// and []byte: a value that is not JSON is an error with found false.
func GetJSON[T any](cache *Cache, key string) (T, bool, error) {
	start := cache.begin()
	v, found, err := getWith(cache, key, jsonCodec[T]())
	cache.observe("get_json", key, start, found, err)
	return v, found, err
}

// Set encodes value with the default codec and writes it to key. The
// default codec is JSON for every T, as in goforj/cache: Set[string] of
// "dark" stores the 6 bytes "dark" with their quotes, and a []byte is
// stored as a base64 JSON string. Get[string] and Get[[]byte] also read
// values that are not JSON strings, such as those SetString wrote, as
// their bytes. Use SetString or SetBytes to store text raw.
func Set[T any](cache *Cache, key string, value T, ttl time.Duration) error {
	return setWith(cache, key, value, ttl, ValueCodec[T]{})
}

// SetJSON encodes value as JSON and writes it to key using the Cache's
// context, as Set does.
func SetJSON[T any](cache *Cache, key string, value T, ttl time.Duration) error {
	start := cache.begin()
	err := setWith(cache, key, value, ttl, jsonCodec[T]())
	cache.observe("set_json", key, start, false, err)
	return err
}

// Pull returns a typed value for key and removes it, using the default
// codec. See Cache.PullBytes for its behaviour under concurrency.
func Pull[T any](cache *Cache, key string) (T, bool, error) {
	var zero T
	b, found, err := cache.PullBytes(key)
	if err != nil || !found {
		return zero, false, err
	}
	v, err := decodeDefault[T](b)
	if err != nil {
		return v, false, err
	}
	return v, true, nil
}

func getWith[T any](c *Cache, key string, codec ValueCodec[T]) (T, bool, error) {
	var zero T
	b, found, err := c.GetBytes(key)
	if err != nil || !found {
		return zero, false, err
	}
	v, err := codec.decode(b)
	if err != nil {
		return v, false, err
	}
	return v, true, nil
}

func setWith[T any](c *Cache, key string, value T, ttl time.Duration, codec ValueCodec[T]) error {
	b, err := codec.encode(value)
	if err != nil {
		return err
	}
	return c.SetBytes(key, b, ttl)
}
