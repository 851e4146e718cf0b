package httpmod_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestRouteAppliesDefaults(t *testing.T) {
	h, _ := newNotes(t)
	rec := do(h, http.MethodPost, "/api/notes/", "application/json", `{"text":"a"}`)
	var n note
	if err := json.Unmarshal(rec.Body.Bytes(), &n); err != nil || rec.Code != http.StatusCreated {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if n.Level != 1 || n.Kind != "memo" || n.Tenant != "main" {
		t.Fatalf("defaults not applied: %+v", n)
	}
}
