package devissuer

import (
	"net/http"
	"strconv"
	"strings"
)

// serveJWKS answers the key set with a strong ETag and a public max-age;
// If-None-Match (a list, *, or weak validators compared weakly) → 304.
func (s *Server) serveJWKS(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	body, etag := s.jwks, s.etag
	s.mu.Unlock()
	h := w.Header()
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(DefaultJWKSMaxAge.Seconds())))
	h.Set("ETag", etag)
	if etagMatches(r.Header.Values("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// etagMatches applies If-None-Match's weak comparison.
func etagMatches(values []string, etag string) bool {
	for _, v := range values {
		for tag := range strings.SplitSeq(v, ",") {
			tag = strings.TrimSpace(tag)
			if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
				return true
			}
		}
	}
	return false
}
