package devissuer

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

func TestAPIKeyIntrospection(t *testing.T) {
	ti := startIssuer(t, "", nil)
	create := func(spec APIKeySpec) CreatedAPIKey {
		k, err := ti.CreateAPIKey(spec)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	introspect := func(t *testing.T, key string) (int, map[string]any) {
		t.Helper()
		code, _, data := ti.do(t, http.MethodPost, PathAPIKeys, map[string]any{"api_key": key, "schema_version": "1"}, ti.bootstrap()...)
		var m map[string]any
		if code == http.StatusOK {
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
		}
		return code, m
	}
	rw := create(APIKeySpec{Role: "admin", AccessMode: APIKeyReadWrite})
	tests := []struct {
		name   string
		key    string
		active bool
	}{
		{"read_write key", rw.Key, true},
		{"inactive key", create(APIKeySpec{Inactive: true}).Key, false},
		{"expired key", create(APIKeySpec{ExpiresIn: -time.Minute}).Key, false},
		{"expiring key", create(APIKeySpec{ExpiresIn: time.Hour}).Key, true},
		{"unknown key", "m8dev_nothing", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, m := introspect(t, tc.key)
			if code != http.StatusOK || m["active"] != tc.active || m["schema_version"] != "1" {
				t.Fatalf("%d %v", code, m)
			}
		})
	}
	_, m := introspect(t, rw.Key)
	p, _ := m["principal"].(map[string]any)
	if m["audience_id"] != envMap(ti.ConsumerEnv())["INTERNAL_CLIENT_ID"] || p["user_id"] != rw.Owner || p["role"] != "admin" ||
		p["access_mode"] != APIKeyReadWrite || p["authentication_method"] != "api_key" || p["auth_generation"] != float64(1) ||
		m["key_expires_at"] != nil {
		t.Errorf("answer %v", m)
	}
	if _, err := ti.DeleteUser(rw.Owner); err != nil {
		t.Fatal(err)
	}
	if _, m := introspect(t, rw.Key); m["active"] != false {
		t.Error("the key of a deleted owner is active")
	}

	t.Run("429 fault with Retry-After", func(t *testing.T) {
		if _, err := ti.InjectFault(Fault{Kind: FaultAPIKeyRateLimit, RetryAfter: 7}); err != nil {
			t.Fatal(err)
		}
		defer ti.ClearFaults()
		code, h, _ := ti.do(t, http.MethodPost, PathAPIKeys, map[string]any{"api_key": "k", "schema_version": "1"}, ti.bootstrap()...)
		if code != http.StatusTooManyRequests || h.Get("Retry-After") != "7" {
			t.Errorf("%d Retry-After %q", code, h.Get("Retry-After"))
		}
	})
	t.Run("bad bodies and credentials", func(t *testing.T) {
		if code, _, _ := ti.do(t, http.MethodPost, PathAPIKeys, map[string]any{"api_key": "k", "schema_version": "2"}, ti.bootstrap()...); code != http.StatusUnprocessableEntity {
			t.Errorf("schema 2: %d", code)
		}
		if code, _, _ := ti.do(t, http.MethodPost, PathAPIKeys, map[string]any{"api_key": "k", "schema_version": "1"}); code != http.StatusUnauthorized {
			t.Errorf("no credential: %d", code)
		}
	})
	for _, bad := range []APIKeySpec{{AccessMode: "admin"}, {Owner: "42"}} {
		if _, err := ti.CreateAPIKey(bad); err == nil {
			t.Errorf("CreateAPIKey(%+v) succeeded", bad)
		}
	}
}
