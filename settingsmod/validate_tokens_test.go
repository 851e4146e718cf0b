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
