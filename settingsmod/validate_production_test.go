package settingsmod

import (
	"strings"
	"testing"
)

func TestProductionRules(t *testing.T) {
	secret := strings.Repeat("s", 32)
	prod := func(extra map[string]string) map[string]string {
		m := map[string]string{
			"ENVIRONMENT":   "production",
			"BACKEND_HOST":  "https://api.example.com",
			"FRONTEND_HOST": "https://app.example.com",
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	stateful := func(extra map[string]string) map[string]string {
		m := prod(map[string]string{"TOKEN_MODE": "stateful", "INTROSPECTION_URL": "https://auth.example.com/jti", "PRIVATE_API_SECRET": secret, "INTERNAL_CLIENT_ID": "svc"})
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	runRuleCases(t, []ruleCase{
		{name: "production ok", set: prod(nil)},
		{name: "localhost frontend", set: prod(map[string]string{"FRONTEND_HOST": "http://localhost:3000"}), env: "FRONTEND_HOST", msg: "localhost or loopback"},
		{name: "strict mode counts as production", set: map[string]string{"STRICT_PRODUCTION_MODE": "true"}, env: "FRONTEND_HOST", msg: "in production"},
		{name: "localhost CORS origin", set: prod(map[string]string{"BACKEND_CORS_ORIGINS": "https://ok.example.com,http://localhost:5173"}), env: "BACKEND_CORS_ORIGINS", msg: "http://localhost:5173"},
		{name: "127.0.0.1 CORS origin", set: prod(map[string]string{"BACKEND_CORS_ORIGINS": "http://127.0.0.1"}), env: "BACKEND_CORS_ORIGINS", msg: "http://127.0.0.1 in production"},
		{name: "[::1] CORS origin", set: prod(map[string]string{"BACKEND_CORS_ORIGINS": "http://[::1]:8080"}), env: "BACKEND_CORS_ORIGINS", msg: "http://[::1]:8080"},
		{name: "localhost allowed outside production", set: map[string]string{"BACKEND_CORS_ORIGINS": "http://localhost:5173"}},
		{name: "JWKS_URI http", set: prod(map[string]string{"JWKS_URI": "http://auth:8000/jwks"}), env: "JWKS_URI", msg: "must use https in production"},
		{name: "JWKS_URI http allowed internally", set: prod(map[string]string{"JWKS_URI": "http://auth:8000/jwks", "ALLOW_INTERNAL_HTTP": "true"})},
		{name: "JWKS_URI https", set: prod(map[string]string{"JWKS_URI": "https://auth.example.com/jwks"})},
		{name: "INTROSPECTION_URL http", set: stateful(map[string]string{"INTROSPECTION_URL": "http://auth:8000/jti"}), env: "INTROSPECTION_URL", msg: "ALLOW_INTERNAL_HTTP=true"},
		{name: "INTROSPECTION_URL http allowed internally", set: stateful(map[string]string{"INTROSPECTION_URL": "http://auth:8000/jti", "ALLOW_INTERNAL_HTTP": "true"})},
		{name: "stateful production ok", set: stateful(nil)},
		{name: "health credential reuses private secret", set: stateful(map[string]string{"HEALTH_DETAIL_CREDENTIAL": secret}), env: "HEALTH_DETAIL_CREDENTIAL", msg: "must differ from PRIVATE_API_SECRET"},
		{name: "metrics credential reuses private secret", set: stateful(map[string]string{"METRICS_SCRAPE_CREDENTIAL": secret}), env: "METRICS_SCRAPE_CREDENTIAL", msg: "must differ from PRIVATE_API_SECRET"},
		{name: "distinct credentials", set: stateful(map[string]string{"METRICS_SCRAPE_CREDENTIAL": "m-" + secret, "HEALTH_DETAIL_CREDENTIAL": "h-" + secret})},
		{name: "shared credential allowed outside production", set: map[string]string{"PRIVATE_API_SECRET": secret, "HEALTH_DETAIL_CREDENTIAL": secret}},
	})
}
