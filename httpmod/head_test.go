package httpmod_test

import (
	"net/http"
	"strconv"
	"testing"
)

func TestRouteAnswersHEADLikeGET(t *testing.T) {
	h, _ := newNotes(t)
	get := do(h, http.MethodGet, "/api/notes/7", "", "")
	head := do(h, http.MethodHead, "/api/notes/7", "", "")
	if head.Code != get.Code || head.Body.Len() != 0 {
		t.Fatalf("HEAD %d with %d body bytes, GET %d", head.Code, head.Body.Len(), get.Code)
	}
	if head.Header().Get("Content-Type") != get.Header().Get("Content-Type") || head.Header().Get("Content-Length") != strconv.Itoa(get.Body.Len()) {
		t.Fatalf("HEAD headers %v, GET headers %v body %d", head.Header(), get.Header(), get.Body.Len())
	}
	if rec := do(h, http.MethodHead, "/api/notes/abc", "", ""); rec.Code != http.StatusUnprocessableEntity || rec.Body.Len() != 0 {
		t.Fatalf("HEAD of an invalid input: %d %q", rec.Code, rec.Body)
	}
}
