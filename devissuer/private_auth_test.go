package devissuer

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

func TestPrivateRoutesCredentials(t *testing.T) {
	ti := startIssuer(t, "", nil)
	m, err := ti.Mint(TokenSpec{})
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"jti": m.JTI, "expected_user_id": m.Sub, "schema_version": "2"}
	env := envMap(ti.ConsumerEnv())
	id, secret := env["INTERNAL_CLIENT_ID"], env["PRIVATE_API_SECRET"]

	exchange := func(t *testing.T, scopes ...string) string {
		t.Helper()
		code, _, data := ti.do(t, http.MethodPost, PathServiceToken, map[string]any{"scopes": scopes}, ti.bootstrap()...)
		if code != http.StatusOK {
			t.Fatalf("exchange %v: %d %s", scopes, code, data)
		}
		var out struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
			ExpiresIn   int64  `json:"expires_in"`
			Scope       string `json:"scope"`
		}
		if err := json.Unmarshal(data, &out); err != nil || out.TokenType != "bearer" || out.ExpiresIn != 900 {
			t.Fatalf("exchange answer %s", data)
		}
		return out.AccessToken
	}
	introspectionOnly := exchange(t, ScopeIntrospection)
	streamOnly := exchange(t, ScopeEventStream)

	tests := []struct {
		name    string
		headers []string
		want    int
	}{
		{"bootstrap credential", ti.bootstrap(), http.StatusOK},
		{"service token with the scope", []string{"Authorization", "Bearer " + introspectionOnly}, http.StatusOK},
		{"service token without the scope", []string{"Authorization", "Bearer " + streamOnly}, http.StatusForbidden},
		{"legacy X-Internal-Token alone", []string{"X-Internal-Token", secret}, http.StatusUnauthorized},
		{"wrong secret", []string{"X-Internal-Client", id, "X-Internal-Token", secret + "x"}, http.StatusUnauthorized},
		{"unknown client", []string{"X-Internal-Client", "other", "X-Internal-Token", secret}, http.StatusUnauthorized},
		{"no credential", nil, http.StatusUnauthorized},
		{"forged service token", []string{"Authorization", "Bearer " + introspectionOnly[:len(introspectionOnly)-2] + "xx"}, http.StatusUnauthorized},
		{"basic scheme", []string{"Authorization", "Basic " + secret}, http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if code, _, data := ti.do(t, http.MethodPost, PathJTIStatus, body, tc.headers...); code != tc.want {
				t.Fatalf("jti-status: %d %s, want %d", code, data, tc.want)
			}
		})
	}

	t.Run("exchange refuses an ungranted scope and bad bodies", func(t *testing.T) {
		if code, _, _ := ti.do(t, http.MethodPost, PathServiceToken, map[string]any{"scopes": []string{"admin"}}, ti.bootstrap()...); code != http.StatusForbidden {
			t.Errorf("ungranted scope: %d, want 403", code)
		}
		if code, _, _ := ti.do(t, http.MethodPost, PathServiceToken, map[string]any{"scopes": []string{}}, ti.bootstrap()...); code != http.StatusUnprocessableEntity {
			t.Errorf("no scopes: %d, want 422", code)
		}
		if code, _, _ := ti.do(t, http.MethodPost, PathServiceToken, map[string]any{"scopes": []string{ScopeIntrospection}}, "X-Internal-Token", secret); code != http.StatusUnauthorized {
			t.Errorf("legacy exchange: %d, want 401", code)
		}
		if code, _, _ := ti.do(t, http.MethodPost, PathServiceToken, map[string]any{"scopes": []string{ScopeIntrospection}}, "Authorization", "Bearer "+introspectionOnly); code != http.StatusUnauthorized {
			t.Errorf("exchange with a service token: %d, want 401", code)
		}
	})

	t.Run("an expired service token is refused", func(t *testing.T) {
		later := startIssuer(t, ti.dir, func(c *Config) {
			c.Now = func() time.Time { return time.Now().Add(time.Hour) }
		})
		if code, _, _ := later.do(t, http.MethodPost, PathJTIStatus, body, "Authorization", "Bearer "+introspectionOnly); code != http.StatusUnauthorized {
			t.Errorf("expired token: %d, want 401", code)
		}
	})
}
