package devissuer

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestDevRoutes(t *testing.T) {
	ti := startIssuer(t, "", nil)
	code, _, data := ti.do(t, http.MethodPost, "/dev/tokens", map[string]any{
		"role": "editor", "email": "e@example.com", "tenant_id": "6f1c2b9e-4d3a-4f5b-9c8d-7e6f5a4b3c2d",
		"ttl_seconds": 120, "claims": map[string]any{"dept": "sales", "level": 3},
	})
	if code != http.StatusCreated {
		t.Fatalf("mint: %d %s", code, data)
	}
	var m Minted
	if err := json.Unmarshal(data, &m); err != nil || m.JTI == "" || m.Sub == "" || m.Token == "" {
		t.Fatalf("mint answer %s", data)
	}
	if d := time.Until(m.Exp); d < 100*time.Second || d > 121*time.Second {
		t.Errorf("exp in %v, want ~120s", d)
	}
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(m.Token, claims); err != nil {
		t.Fatal(err)
	}
	if claims["role"] != "editor" || claims["dept"] != "sales" || claims["level"] != float64(3) || claims["jti"] != m.JTI ||
		claims["sub"] != m.Sub || claims["iss"] != ti.cfg.Issuer || claims["aud"] != DefaultAudience || claims["type"] != "access" ||
		claims["tenant_id"] != "6f1c2b9e-4d3a-4f5b-9c8d-7e6f5a4b3c2d" {
		t.Errorf("claims %v", claims)
	}

	steps := []struct {
		name   string
		method string
		path   string
		body   any
		want   int
		has    string
	}{
		{"revoke", http.MethodPost, "/dev/revoke", map[string]any{"jti": m.JTI}, http.StatusOK, `"event_id"`},
		{"revoke unknown", http.MethodPost, "/dev/revoke", map[string]any{"jti": "nope"}, http.StatusNotFound, "not found"},
		{"revoke-user", http.MethodPost, "/dev/revoke-user", map[string]any{"sub": m.Sub}, http.StatusOK, `"auth_generation":2`},
		{"revoke-user bad sub", http.MethodPost, "/dev/revoke-user", map[string]any{"sub": "42"}, http.StatusUnprocessableEntity, "not a UUID"},
		{"delete-user", http.MethodPost, "/dev/delete-user", map[string]any{"sub": m.Sub}, http.StatusOK, m.Sub},
		{"api key", http.MethodPost, "/dev/api-keys", map[string]any{"access_mode": "read_write", "role": "writer", "expires_in_seconds": 60}, http.StatusCreated, `"api_key":"m8dev_`},
		{"fault", http.MethodPost, "/dev/faults", map[string]any{"kind": "jti_status_slow", "seconds": 5, "delay_ms": 250}, http.StatusOK, `"until"`},
		{"faults listed", http.MethodGet, "/dev/faults", nil, http.StatusOK, `"jti_status_slow"`},
		{"faults cleared", http.MethodDelete, "/dev/faults", nil, http.StatusNoContent, ""},
		{"no faults", http.MethodGet, "/dev/faults", nil, http.StatusOK, `{"faults":[]}`},
		{"unknown fault", http.MethodPost, "/dev/faults", map[string]any{"kind": "meteor"}, http.StatusUnprocessableEntity, "meteor"},
		{"unknown member", http.MethodPost, "/dev/tokens", map[string]any{"rolee": "x"}, http.StatusUnprocessableEntity, "rolee"},
		{"reserved claim", http.MethodPost, "/dev/tokens", map[string]any{"claims": map[string]any{"exp": 1}}, http.StatusUnprocessableEntity, "is set by the issuer"},
		{"ttl too long", http.MethodPost, "/dev/tokens", map[string]any{"ttl_seconds": 1e9}, http.StatusUnprocessableEntity, "ttl"},
		{"rotate", http.MethodPost, "/dev/rotate", nil, http.StatusOK, `"kids"`},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			code, _, data := ti.do(t, st.method, st.path, st.body)
			if code != st.want || !strings.Contains(string(data), st.has) {
				t.Fatalf("%d %s, want %d containing %s", code, data, st.want, st.has)
			}
		})
	}
}

func TestDevRoutesLoopbackOnly(t *testing.T) {
	ti := startIssuer(t, "", nil)
	h := ti.Handler()
	for _, remote := range []string{"10.1.2.3:5555", "[2001:db8::1]:80", "garbage"} {
		req := httptest.NewRequest(http.MethodPost, ti.cfg.Prefix+"/dev/tokens", strings.NewReader("{}"))
		req.RemoteAddr = remote
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusForbidden {
			t.Errorf("from %s: %d, want 403", remote, w.Code)
		}
	}
	req := httptest.NewRequest(http.MethodPost, ti.cfg.Prefix+"/dev/tokens", strings.NewReader("{}"))
	req.RemoteAddr = "[::1]:4000"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusCreated {
		t.Errorf("from ::1: %d, want 201", w.Code)
	}
}
