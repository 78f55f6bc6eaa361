package main

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/seed3c1b93bc/groupcache"
)

// A record is the value the group caches for a key. It names the peer
// that loaded it, so that any peer serving it can tell.
type record struct {
	Value    string `json:"value"`
	LoadedBy string `json:"loaded_by"`
}

// slowDB returns the peer's Getter. It stands for a database query that
// takes delay; self is the peer's URL, recorded in each value it loads.
func slowDB(self string, delay time.Duration) groupcache.Getter {
	return groupcache.GetterFunc(func(ctx context.Context, key string, dest groupcache.Sink) error {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
		b, err := json.Marshal(record{Value: "profile of " + key, LoadedBy: self})
		if err != nil {
			return err
		}
		return dest.SetBytes(b)
	})
}

// A getResponse is the answer to GET /get?key=K.
type getResponse struct {
	Key string `json:"key"`
	record
	ServedBy string `json:"served_by"` // the peer asked
	Took     string `json:"took"`      // how long the Get took on that peer
}

// getHandler answers GET /get?key=K with the value of K from group.
func getHandler(self string, group *groupcache.Group) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Query().Get("key")
		if key == "" {
			http.Error(w, `missing query parameter "key", as in /get?key=alice`, http.StatusBadRequest)
			return
		}
		start := time.Now()
		var b []byte
		if err := group.Get(r.Context(), key, groupcache.AllocatingByteSliceSink(&b)); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		res := getResponse{Key: key, ServedBy: self, Took: time.Since(start).Round(time.Microsecond).String()}
		if err := json.Unmarshal(b, &res.record); err != nil {
			http.Error(w, "cached value is not a record: "+err.Error(), http.StatusInternalServerError)
			return
		}
		writeJSON(w, res)
	})
}

// A statsResponse is the answer to GET /stats. The fields of Stats are
// those of groupcache.Stats.
type statsResponse struct {
	Self  string `json:"self"`
	Group string `json:"group"`
	Stats struct {
		Gets, CacheHits, PeerLoads, PeerErrors, Loads, LoadsDeduped,
		LocalLoads, LocalLoadErrs, ServerRequests int64
	} `json:"stats"`
	MainCache groupcache.CacheStats `json:"main_cache"`
	HotCache  groupcache.CacheStats `json:"hot_cache"`
}

// statsHandler answers GET /stats with group's statistics.
func statsHandler(self string, group *groupcache.Group) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res := statsResponse{
			Self:      self,
			Group:     group.Name(),
			MainCache: group.CacheStats(groupcache.MainCache),
			HotCache:  group.CacheStats(groupcache.HotCache),
		}
		// The counters change under concurrent Gets, so each is read
		// atomically rather than by encoding group.Stats.
		s, out := &group.Stats, &res.Stats
		out.Gets = s.Gets.Get()
		out.CacheHits = s.CacheHits.Get()
		out.PeerLoads = s.PeerLoads.Get()
		out.PeerErrors = s.PeerErrors.Get()
		out.Loads = s.Loads.Get()
		out.LoadsDeduped = s.LoadsDeduped.Get()
		out.LocalLoads = s.LocalLoads.Get()
		out.LocalLoadErrs = s.LocalLoadErrs.Get()
		out.ServerRequests = s.ServerRequests.Get()
		writeJSON(w, res)
	})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v) // an error here is the client's connection failing
}
