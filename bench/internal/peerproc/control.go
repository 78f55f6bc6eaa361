package peerproc

import (
	"encoding/json"
	"io"
	"net/http"
)

// controlHandler serves the benchmark's requests to a peer:
//
//	GET /get?key=K  the value of K, through the peer's group
//	GET /stats      the peer's Stats as JSON
func controlHandler(node Node, peerLn *countingListener, l *loader) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /get", func(w http.ResponseWriter, r *http.Request) {
		v, err := node.Get(r.Context(), r.URL.Query().Get("key"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		io.WriteString(w, v)
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		peerReqs, serverReqs := node.Counters()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(Stats{
			Accepted:       peerLn.accepted.Load(),
			Loads:          l.runs.Load(),
			PeerRequests:   peerReqs,
			ServerRequests: serverReqs,
		})
	})
	return mux
}
