package settingsmod

import (
	"strings"
	"testing"
)

func TestTokenRules(t *testing.T) {
	short := strings.Repeat("k", 31)
	long := strings.Repeat("k", 32)
	rsaKey := keyFile(t, &rsa2048().PublicKey)
	ecKey := keyFile(t, &ecP256().PublicKey)
	weakRSA := keyFile(t, &rsa1024().PublicKey)
	p384 := keyFile(t, &ecP384().PublicKey)
	garbage := writeFile(t, "garbage.pem", "not a key")
	rs256 := func(extra map[string]string) map[string]string {
		m := map[string]string{"ACCESS_TOKEN_ALGORITHM": "RS256", "ACCESS_SECRET_KEY": unset}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	es256 := func(extra map[string]string) map[string]string {
		m := rs256(extra)
		m["ACCESS_TOKEN_ALGORITHM"] = "ES256"
		return m
	}
	runRuleCases(t, []ruleCase{
		{name: "TOKEN_MODE enum", set: map[string]string{"TOKEN_MODE": "stateful2"}, env: "TOKEN_MODE", msg: "must be one of stateless, hybrid, stateful"},
		{name: "TOKEN_MODE hybrid", set: map[string]string{"TOKEN_MODE": "hybrid"}},
		{name: "AUTH_SERVICE_ROLE issuer refused", set: map[string]string{"AUTH_SERVICE_ROLE": "issuer"}, env: "AUTH_SERVICE_ROLE", msg: "this kit is for consumer services"},
		{name: "AUTH_SERVICE_ROLE names the issuer", set: map[string]string{"AUTH_SERVICE_ROLE": "issuer"}, env: "AUTH_SERVICE_ROLE", msg: "fa-auth-m8"},
		{name: "ACCESS_TOKEN_ALGORITHM enum", set: map[string]string{"ACCESS_TOKEN_ALGORITHM": "none"}, env: "ACCESS_TOKEN_ALGORITHM", msg: "must be one of RS256, ES256, HS256"},
		{name: "ACCESS_TOKEN_ALGORITHM is case-sensitive", set: map[string]string{"ACCESS_TOKEN_ALGORITHM": "hs256"}, env: "ACCESS_TOKEN_ALGORITHM", msg: "must be one of"},
		{name: "HS256 needs ACCESS_SECRET_KEY", set: map[string]string{"ACCESS_SECRET_KEY": unset}, env: "ACCESS_SECRET_KEY", msg: "is required when ACCESS_TOKEN_ALGORITHM=HS256"},
		{name: "HS256 key too short", set: map[string]string{"ACCESS_SECRET_KEY": short}, env: "ACCESS_SECRET_KEY", msg: "at least 32 bytes"},
		{name: "HS256 key 32 bytes", set: map[string]string{"ACCESS_SECRET_KEY": long}},
		{name: "RS256 needs a key source", set: rs256(nil), env: "ACCESS_PUBLIC_KEY_FILE", msg: "or JWKS_URI is required when ACCESS_TOKEN_ALGORITHM=RS256"},
		{name: "ES256 needs a key source", set: es256(nil), env: "ACCESS_PUBLIC_KEY_FILE", msg: "ACCESS_TOKEN_ALGORITHM=ES256"},
		{name: "RS256 with JWKS_URI", set: rs256(map[string]string{"JWKS_URI": "http://auth:8000/.well-known/jwks.json"})},
		{name: "RS256 with key file", set: rs256(map[string]string{"ACCESS_PUBLIC_KEY_FILE": rsaKey})},
		{name: "ES256 with key file", set: es256(map[string]string{"ACCESS_PUBLIC_KEY_FILE": ecKey})},
		{name: "key file missing", set: rs256(map[string]string{"ACCESS_PUBLIC_KEY_FILE": "/nonexistent/m8fx/key.pem"}), env: "ACCESS_PUBLIC_KEY_FILE", msg: "/nonexistent/m8fx/key.pem"},
		{name: "key file not PEM", set: rs256(map[string]string{"ACCESS_PUBLIC_KEY_FILE": garbage}), env: "ACCESS_PUBLIC_KEY_FILE", msg: "no PEM block"},
		{name: "RS256 weak key", set: rs256(map[string]string{"ACCESS_PUBLIC_KEY_FILE": weakRSA}), env: "ACCESS_PUBLIC_KEY_FILE", msg: "1024-bit RSA key"},
		{name: "RS256 with EC key", set: rs256(map[string]string{"ACCESS_PUBLIC_KEY_FILE": ecKey}), env: "ACCESS_PUBLIC_KEY_FILE", msg: "got an ECDSA key, but RS256"},
		{name: "ES256 wrong curve", set: es256(map[string]string{"ACCESS_PUBLIC_KEY_FILE": p384}), env: "ACCESS_PUBLIC_KEY_FILE", msg: "P-384"},
		{name: "ES256 with RSA key", set: es256(map[string]string{"ACCESS_PUBLIC_KEY_FILE": rsaKey}), env: "ACCESS_PUBLIC_KEY_FILE", msg: "got an RSA key, but ES256"},
		{name: "key file checked even with JWKS_URI", set: rs256(map[string]string{"ACCESS_PUBLIC_KEY_FILE": weakRSA, "JWKS_URI": "https://auth.test/jwks"}), env: "ACCESS_PUBLIC_KEY_FILE", msg: "1024-bit"},
		{name: "JWKS_URI absolute", set: map[string]string{"JWKS_URI": "/jwks.json"}, env: "JWKS_URI", msg: "http:// or https://"},
		{name: "JWKS_CACHE_TTL_SECONDS >= 1", set: map[string]string{"JWKS_CACHE_TTL_SECONDS": "0"}, env: "JWKS_CACHE_TTL_SECONDS", msg: "at least 1"},
		{name: "REFRESH_SECRET_KEY optional", set: map[string]string{"REFRESH_SECRET_KEY": ""}},
		{name: "REFRESH_SECRET_KEY short", set: map[string]string{"REFRESH_SECRET_KEY": short}, env: "REFRESH_SECRET_KEY", msg: "at least 32 bytes"},
		{name: "REFRESH_SECRET_KEY long", set: map[string]string{"REFRESH_SECRET_KEY": long}},
		{name: "TOKEN_LEEWAY_SECONDS negative", set: map[string]string{"TOKEN_LEEWAY_SECONDS": "-1"}, env: "TOKEN_LEEWAY_SECONDS", msg: "between 0 and 60"},
		{name: "TOKEN_LEEWAY_SECONDS too big", set: map[string]string{"TOKEN_LEEWAY_SECONDS": "61"}, env: "TOKEN_LEEWAY_SECONDS", msg: "between 0 and 60"},
		{name: "TOKEN_LEEWAY_SECONDS 0", set: map[string]string{"TOKEN_LEEWAY_SECONDS": "0"}},
		{name: "strict needs TOKEN_ISSUER", set: map[string]string{"TOKEN_STRICT_VALIDATION": "true", "TOKEN_AUDIENCE": "svc"}, env: "TOKEN_ISSUER", msg: "is required when TOKEN_STRICT_VALIDATION=true"},
		{name: "strict needs TOKEN_AUDIENCE", set: map[string]string{"TOKEN_STRICT_VALIDATION": "true", "TOKEN_ISSUER": "auth"}, env: "TOKEN_AUDIENCE", msg: "is required when TOKEN_STRICT_VALIDATION=true"},
		{name: "strict is the default", set: map[string]string{"TOKEN_STRICT_VALIDATION": unset}, env: "TOKEN_ISSUER", msg: "is required"},
		{name: "strict satisfied", set: map[string]string{"TOKEN_STRICT_VALIDATION": "true", "TOKEN_ISSUER": "auth", "TOKEN_AUDIENCE": "svc"}},
		{name: "event signing needs a key", set: map[string]string{"EVENT_SIGNING_ENABLED": "true"}, env: "EVENT_SIGNING_KEY", msg: "is required when EVENT_SIGNING_ENABLED=true"},
		{name: "event signing is the default", set: map[string]string{"EVENT_SIGNING_ENABLED": unset}, env: "EVENT_SIGNING_KEY", msg: "is required"},
		{name: "event signing key short", set: map[string]string{"EVENT_SIGNING_ENABLED": "true", "EVENT_SIGNING_KEY": short}, env: "EVENT_SIGNING_KEY", msg: "at least 32 bytes"},
		{name: "event signing key ok", set: map[string]string{"EVENT_SIGNING_ENABLED": "true", "EVENT_SIGNING_KEY": long}},
		{name: "stateful needs INTROSPECTION_URL", set: map[string]string{"TOKEN_MODE": "stateful", "PRIVATE_API_SECRET": long}, env: "INTROSPECTION_URL", msg: "when TOKEN_MODE=stateful"},
		{name: "stateful INTROSPECTION_URL absolute", set: map[string]string{"TOKEN_MODE": "stateful", "PRIVATE_API_SECRET": long, "INTROSPECTION_URL": "auth/jti"}, env: "INTROSPECTION_URL", msg: "http:// or https://"},
		{name: "stateful needs PRIVATE_API_SECRET", set: map[string]string{"TOKEN_MODE": "stateful", "INTROSPECTION_URL": "http://auth:8000/jti"}, env: "PRIVATE_API_SECRET", msg: "is required when TOKEN_MODE=stateful"},
		{name: "stateful PRIVATE_API_SECRET short", set: map[string]string{"TOKEN_MODE": "stateful", "INTROSPECTION_URL": "http://auth:8000/jti", "PRIVATE_API_SECRET": strings.Repeat("p", 15)}, env: "PRIVATE_API_SECRET", msg: "at least 16 bytes"},
		{name: "stateful ok", set: map[string]string{"TOKEN_MODE": "stateful", "INTROSPECTION_URL": "http://auth:8000/jti", "PRIVATE_API_SECRET": strings.Repeat("p", 16)}},
		{name: "stateful is the default", set: map[string]string{"TOKEN_MODE": unset}, env: "INTROSPECTION_URL", msg: "is required"},
		{name: "INTROSPECTION_URL checked when set in stateless", set: map[string]string{"INTROSPECTION_URL": "nope"}, env: "INTROSPECTION_URL", msg: "http:// or https://"},
		{name: "REVOCATION_CACHE_TTL_SECONDS >= 0", set: map[string]string{"REVOCATION_CACHE_TTL_SECONDS": "-1"}, env: "REVOCATION_CACHE_TTL_SECONDS", msg: "at least 0"},
		{name: "ACCESS_REVOCATION_FAILURE_MODE enum", set: map[string]string{"ACCESS_REVOCATION_FAILURE_MODE": "open"}, env: "ACCESS_REVOCATION_FAILURE_MODE", msg: "fail_closed, fail_open"},
		{name: "ACCESS_REVOCATION_FAILURE_MODE fail_open", set: map[string]string{"ACCESS_REVOCATION_FAILURE_MODE": "fail_open"}},
	})
}

func TestInternalAuthRules(t *testing.T) {
	secret := strings.Repeat("p", 16)
	const url = "http://auth:8000/user/private/v1/jti-status"
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
		m := map[string]string{"TOKEN_MODE": "stateful", "INTROSPECTION_URL": url, "PRIVATE_API_SECRET": secret}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	runRuleCases(t, []ruleCase{
		{name: "legacy mode in development", set: stateful(nil)},
		{name: "bootstrap mode", set: stateful(map[string]string{"INTERNAL_CLIENT_ID": "svc-a"})},
		{name: "service-token mode", set: stateful(map[string]string{"INTERNAL_CLIENT_ID": "svc-a", "SERVICE_TOKEN_EXCHANGE_ENABLED": "true"})},
		{name: "exchange without client id", set: stateful(map[string]string{"SERVICE_TOKEN_EXCHANGE_ENABLED": "true"}),
			env: "INTERNAL_CLIENT_ID", msg: "is required when SERVICE_TOKEN_EXCHANGE_ENABLED=true"},
		{name: "exchange with a blank client id", set: stateful(map[string]string{"SERVICE_TOKEN_EXCHANGE_ENABLED": "true", "INTERNAL_CLIENT_ID": "  "}),
			env: "INTERNAL_CLIENT_ID", msg: "is required when SERVICE_TOKEN_EXCHANGE_ENABLED=true"},
		{name: "exchange without INTROSPECTION_URL", set: map[string]string{"SERVICE_TOKEN_EXCHANGE_ENABLED": "true", "INTERNAL_CLIENT_ID": "svc-a", "PRIVATE_API_SECRET": secret},
			env: "INTROSPECTION_URL", msg: "exchange URL <base>/service-token is derived from it"},
		{name: "client id without secret", set: map[string]string{"INTERNAL_CLIENT_ID": "svc-a"},
			env: "PRIVATE_API_SECRET", msg: "is required when INTERNAL_CLIENT_ID is set"},
		{name: "client id with a short secret", set: map[string]string{"INTERNAL_CLIENT_ID": "svc-a", "PRIVATE_API_SECRET": "short"},
			env: "PRIVATE_API_SECRET", msg: "at least 16 bytes"},
		{name: "client id with secret, stateless", set: map[string]string{"INTERNAL_CLIENT_ID": "svc-a", "PRIVATE_API_SECRET": secret}},
		{name: "client id without secret, stateful", set: stateful(map[string]string{"INTERNAL_CLIENT_ID": "svc-a", "PRIVATE_API_SECRET": unset}),
			env: "PRIVATE_API_SECRET", msg: "is required"},
		{name: "client id with spaces", set: stateful(map[string]string{"INTERNAL_CLIENT_ID": "svc a"}),
			env: "INTERNAL_CLIENT_ID", msg: "printable ASCII without spaces"},
		{name: "production needs a client id", set: prod(stateful(map[string]string{"ALLOW_INTERNAL_HTTP": "true"})),
			env: "INTERNAL_CLIENT_ID", msg: "is required in production when INTROSPECTION_URL is set"},
		{name: "strict production mode needs a client id", set: stateful(map[string]string{"STRICT_PRODUCTION_MODE": "true", "FRONTEND_HOST": "https://app.example.com", "ALLOW_INTERNAL_HTTP": "true"}),
			env: "INTERNAL_CLIENT_ID", msg: "legacy X-Internal-Token-only"},
		{name: "production stateless with INTROSPECTION_URL needs a client id", set: prod(map[string]string{"INTROSPECTION_URL": "https://auth.example.com/jti-status"}),
			env: "INTERNAL_CLIENT_ID", msg: "is required in production"},
		{name: "production with a client id", set: prod(stateful(map[string]string{"ALLOW_INTERNAL_HTTP": "true", "INTERNAL_CLIENT_ID": "svc-a"}))},
		{name: "production without INTROSPECTION_URL needs no client id", set: prod(nil)},
		{name: "SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS >= 0", set: map[string]string{"SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS": "-1"},
			env: "SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS", msg: "at least 0"},
		{name: "SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS 0", set: map[string]string{"SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS": "0"}},
		{name: "SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS integer", set: map[string]string{"SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS": "1.5"},
			env: "SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS", msg: "must be an integer"},
		{name: "SERVICE_TOKEN_SCOPES list", set: map[string]string{"SERVICE_TOKEN_SCOPES": "introspection, event-stream"}},
		{name: "SERVICE_TOKEN_SCOPES empty item", set: map[string]string{"SERVICE_TOKEN_SCOPES": "introspection,,event-stream"},
			env: "SERVICE_TOKEN_SCOPES", msg: "item 2 must be a scope name"},
		{name: "SERVICE_TOKEN_SCOPES space inside", set: map[string]string{"SERVICE_TOKEN_SCOPES": "intro spection"},
			env: "SERVICE_TOKEN_SCOPES", msg: "item 1"},
		{name: "SERVICE_TOKEN_SCOPES quote", set: map[string]string{"SERVICE_TOKEN_SCOPES": `a,"b"`},
			env: "SERVICE_TOKEN_SCOPES", msg: "item 2"},
		{name: "REVOCATION_CACHE_PRIVILEGED_BYPASS bool", set: map[string]string{"REVOCATION_CACHE_PRIVILEGED_BYPASS": "maybe"},
			env: "REVOCATION_CACHE_PRIVILEGED_BYPASS", msg: "true or false"},
		{name: "SERVICE_TOKEN_EXCHANGE_ENABLED bool", set: map[string]string{"SERVICE_TOKEN_EXCHANGE_ENABLED": "yes please"},
			env: "SERVICE_TOKEN_EXCHANGE_ENABLED", msg: "true or false"},
	})
}

func TestEventStreamRules(t *testing.T) {
	key := strings.Repeat("k", 32)
	stream := func(extra map[string]string) map[string]string {
		m := map[string]string{
			"EVENT_STREAM_ENABLED": "true", "EVENT_SIGNING_ENABLED": "false", "EVENT_SIGNING_KEY": key,
			"INTROSPECTION_URL": "http://auth:8000/user/private/v1/jti-status",
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	runRuleCases(t, []ruleCase{
		{name: "stream on", set: stream(nil)},
		{name: "stream on, stateful", set: stream(map[string]string{"TOKEN_MODE": "stateful", "PRIVATE_API_SECRET": strings.Repeat("p", 16)})},
		{name: "stream needs a signing key", set: stream(map[string]string{"EVENT_SIGNING_KEY": unset}),
			env: "EVENT_SIGNING_KEY", msg: "is required when EVENT_STREAM_ENABLED=true"},
		{name: "stream signing key short", set: stream(map[string]string{"EVENT_SIGNING_KEY": strings.Repeat("k", 31)}),
			env: "EVENT_SIGNING_KEY", msg: "at least 32 bytes"},
		{name: "stream signing key missing with signing on", set: stream(map[string]string{"EVENT_SIGNING_KEY": unset, "EVENT_SIGNING_ENABLED": "true"}),
			env: "EVENT_SIGNING_KEY", msg: "is required"},
		{name: "stream needs INTROSPECTION_URL", set: stream(map[string]string{"INTROSPECTION_URL": unset}),
			env: "INTROSPECTION_URL", msg: "is required when EVENT_STREAM_ENABLED=true"},
		{name: "stream off needs neither", set: map[string]string{"EVENT_STREAM_ENABLED": "false"}},
		{name: "connect timeout 0", set: map[string]string{"EVENT_STREAM_CONNECT_TIMEOUT": "0"},
			env: "EVENT_STREAM_CONNECT_TIMEOUT", msg: "greater than 0"},
		{name: "connect timeout negative", set: map[string]string{"EVENT_STREAM_CONNECT_TIMEOUT": "-1"},
			env: "EVENT_STREAM_CONNECT_TIMEOUT", msg: "greater than 0"},
		{name: "connect timeout fraction", set: map[string]string{"EVENT_STREAM_CONNECT_TIMEOUT": "2.5"}},
		{name: "connect timeout NaN", set: map[string]string{"EVENT_STREAM_CONNECT_TIMEOUT": "NaN"},
			env: "EVENT_STREAM_CONNECT_TIMEOUT", msg: "greater than 0"},
		{name: "connect timeout not a number", set: map[string]string{"EVENT_STREAM_CONNECT_TIMEOUT": "5s"},
			env: "EVENT_STREAM_CONNECT_TIMEOUT", msg: "must be a number"},
		{name: "read timeout 0", set: map[string]string{"EVENT_STREAM_READ_TIMEOUT": "0"},
			env: "EVENT_STREAM_READ_TIMEOUT", msg: "greater than 0"},
		{name: "read timeout huge", set: map[string]string{"EVENT_STREAM_READ_TIMEOUT": "1e12"},
			env: "EVENT_STREAM_READ_TIMEOUT", msg: "at most 3600"},
		{name: "EVENT_STREAM_REQUIRED bool", set: map[string]string{"EVENT_STREAM_REQUIRED": "2"},
			env: "EVENT_STREAM_REQUIRED", msg: "true or false"},
	})
}

// TestInternalCallProblemsAreListedTogether: every bad value of the new
// settings is in the one settings error.
func TestInternalCallProblemsAreListedTogether(t *testing.T) {
	_, err := Load(MapSource(withEnv(map[string]string{
		"SERVICE_TOKEN_EXCHANGE_ENABLED":       "true",
		"SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS": "-5",
		"SERVICE_TOKEN_SCOPES":                 "a b",
		"EVENT_STREAM_ENABLED":                 "true",
		"EVENT_STREAM_CONNECT_TIMEOUT":         "0",
		"EVENT_STREAM_READ_TIMEOUT":            "-1",
	})))
	ps := problemsOf(t, err)
	for _, want := range []struct{ env, msg string }{
		{"INTERNAL_CLIENT_ID", "SERVICE_TOKEN_EXCHANGE_ENABLED=true"},
		{"INTROSPECTION_URL", "/service-token"},
		{"INTROSPECTION_URL", "/events/stream"},
		{"EVENT_SIGNING_KEY", "EVENT_STREAM_ENABLED=true"},
		{"SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS", "at least 0"},
		{"SERVICE_TOKEN_SCOPES", "item 1"},
		{"EVENT_STREAM_CONNECT_TIMEOUT", "greater than 0"},
		{"EVENT_STREAM_READ_TIMEOUT", "greater than 0"},
	} {
		if !findProblem(ps, want.env, want.msg) {
			t.Errorf("no problem for %s containing %q in:\n%v", want.env, want.msg, err)
		}
	}
}

func TestAPIKeyIntrospectionRules(t *testing.T) {
	secret := strings.Repeat("p", 16)
	const url = "http://auth:8000/user/private/v1/jti-status"
	on := func(extra map[string]string) map[string]string {
		m := map[string]string{
			"API_KEY_INTROSPECTION_ENABLED": "true",
			"INTROSPECTION_URL":             url,
			"INTERNAL_CLIENT_ID":            "svc-a",
			"PRIVATE_API_SECRET":            secret,
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	runRuleCases(t, []ruleCase{
		{name: "off by default needs nothing", set: nil},
		{name: "enabled with a derived URL", set: on(nil)},
		{name: "enabled with an explicit URL", set: on(map[string]string{"INTROSPECTION_URL": unset, "API_KEY_INTROSPECTION_URL": "http://auth:8000/keys"})},
		{name: "enabled without any URL", set: on(map[string]string{"INTROSPECTION_URL": unset}),
			env: "API_KEY_INTROSPECTION_URL", msg: "is required when API_KEY_INTROSPECTION_ENABLED=true"},
		{name: "enabled without a client id", set: on(map[string]string{"INTERNAL_CLIENT_ID": unset}),
			env: "INTERNAL_CLIENT_ID", msg: "is required when API_KEY_INTROSPECTION_ENABLED=true"},
		{name: "enabled with a blank client id", set: on(map[string]string{"INTERNAL_CLIENT_ID": " "}),
			env: "INTERNAL_CLIENT_ID", msg: "is required when API_KEY_INTROSPECTION_ENABLED=true"},
		{name: "enabled without a secret", set: on(map[string]string{"PRIVATE_API_SECRET": unset}),
			env: "PRIVATE_API_SECRET", msg: "is required"},
		{name: "enabled without client id nor secret", set: on(map[string]string{"INTERNAL_CLIENT_ID": unset, "PRIVATE_API_SECRET": unset}),
			env: "PRIVATE_API_SECRET", msg: "API_KEY_INTROSPECTION_ENABLED=true"},
		{name: "explicit URL checked", set: map[string]string{"API_KEY_INTROSPECTION_URL": "/keys"},
			env: "API_KEY_INTROSPECTION_URL", msg: "http:// or https://"},
		{name: "explicit URL https in production", set: map[string]string{
			"ENVIRONMENT": "production", "BACKEND_HOST": "https://api.example.com", "FRONTEND_HOST": "https://app.example.com",
			"API_KEY_INTROSPECTION_URL": "http://auth:8000/keys"},
			env: "API_KEY_INTROSPECTION_URL", msg: "must use https in production"},
		{name: "explicit http URL in production with ALLOW_INTERNAL_HTTP", set: map[string]string{
			"ENVIRONMENT": "production", "BACKEND_HOST": "https://api.example.com", "FRONTEND_HOST": "https://app.example.com",
			"API_KEY_INTROSPECTION_URL": "http://auth:8000/keys", "ALLOW_INTERNAL_HTTP": "true"}},
		{name: "connect timeout > 0", set: map[string]string{"API_KEY_INTROSPECTION_CONNECT_TIMEOUT": "0"},
			env: "API_KEY_INTROSPECTION_CONNECT_TIMEOUT", msg: "greater than 0"},
		{name: "read timeout > 0", set: map[string]string{"API_KEY_INTROSPECTION_READ_TIMEOUT": "-1"},
			env: "API_KEY_INTROSPECTION_READ_TIMEOUT", msg: "greater than 0"},
		{name: "pool timeout > 0", set: map[string]string{"API_KEY_INTROSPECTION_POOL_TIMEOUT": "NaN"},
			env: "API_KEY_INTROSPECTION_POOL_TIMEOUT", msg: "greater than 0"},
		{name: "pool timeout fraction", set: map[string]string{"API_KEY_INTROSPECTION_POOL_TIMEOUT": "0.25"}},
		{name: "circuit reset > 0", set: map[string]string{"API_KEY_INTROSPECTION_CIRCUIT_RESET_SECONDS": "0"},
			env: "API_KEY_INTROSPECTION_CIRCUIT_RESET_SECONDS", msg: "greater than 0"},
		{name: "max concurrency >= 1", set: map[string]string{"API_KEY_INTROSPECTION_MAX_CONCURRENCY": "0"},
			env: "API_KEY_INTROSPECTION_MAX_CONCURRENCY", msg: "at least 1"},
		{name: "max concurrency 1", set: map[string]string{"API_KEY_INTROSPECTION_MAX_CONCURRENCY": "1"}},
		{name: "max response bytes >= 256", set: map[string]string{"API_KEY_INTROSPECTION_MAX_RESPONSE_BYTES": "255"},
			env: "API_KEY_INTROSPECTION_MAX_RESPONSE_BYTES", msg: "at least 256"},
		{name: "max response bytes 256", set: map[string]string{"API_KEY_INTROSPECTION_MAX_RESPONSE_BYTES": "256"}},
		{name: "failure threshold >= 1", set: map[string]string{"API_KEY_INTROSPECTION_CIRCUIT_FAILURE_THRESHOLD": "0"},
			env: "API_KEY_INTROSPECTION_CIRCUIT_FAILURE_THRESHOLD", msg: "at least 1"},
		{name: "schema version only 1", set: map[string]string{"API_KEY_INTROSPECTION_SCHEMA_VERSION": "2"},
			env: "API_KEY_INTROSPECTION_SCHEMA_VERSION", msg: `must be "1"`},
	})
}

func TestAPIKeyIntrospectionProblemsListedTogether(t *testing.T) {
	_, err := Load(MapSource(withEnv(map[string]string{
		"API_KEY_INTROSPECTION_ENABLED":         "true",
		"API_KEY_INTROSPECTION_MAX_CONCURRENCY": "0",
		"API_KEY_INTROSPECTION_SCHEMA_VERSION":  "2",
	})))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, env := range []string{"API_KEY_INTROSPECTION_URL", "INTERNAL_CLIENT_ID", "PRIVATE_API_SECRET",
		"API_KEY_INTROSPECTION_MAX_CONCURRENCY", "API_KEY_INTROSPECTION_SCHEMA_VERSION"} {
		if !strings.Contains(err.Error(), env) {
			t.Errorf("error does not list %s: %v", env, err)
		}
	}
}
