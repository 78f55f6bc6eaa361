package peerproc

import (
	"strings"
	"sync/atomic"
	"time"
)

// value is what every load returns.
var value = strings.Repeat("v", ValueSize)

// loader is the data source behind a peer's Getter.
type loader struct {
	runs atomic.Int64
}

// load returns key's value, taking SlowLoad first for a SlowPrefix key.
func (l *loader) load(key string) string {
	l.runs.Add(1)
	if strings.HasPrefix(key, SlowPrefix) {
		time.Sleep(SlowLoad)
	}
	return value
}
