package authmod

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/MicahParks/jwkset"
)

func vtMarshalJWK(t testing.TB, m map[string]any) jwkset.JWKMarshal {
	t.Helper()
	var out jwkset.JWKMarshal
	if err := json.Unmarshal([]byte(vtJSON(m)), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestUsableJWK: the per-key filter of JWKS keys.
func TestUsableJWK(t *testing.T) {
	k := vtKeys()
	with := func(m map[string]any, kv ...any) map[string]any {
		out := map[string]any{}
		for key, v := range m {
			out[key] = v
		}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(out, kv[i].(string))
				continue
			}
			out[kv[i].(string)] = kv[i+1]
		}
		return out
	}
	rsaJWK := vtRSAJWK(t, "r", &k.rsa.PublicKey)
	ecJWK := vtECJWK(t, "e", &k.ec.PublicKey)
	cases := []struct {
		name string
		alg  string
		jwk  map[string]any
		want error // nil = usable
	}{
		{"RSA for RS256", algRS256, rsaJWK, nil},
		{"RSA without alg/use", algRS256, with(rsaJWK, "alg", nil, "use", nil), nil},
		{"RSA with key_ops verify", algRS256, with(rsaJWK, "key_ops", []string{"verify"}), nil},
		{"EC P-256 for ES256", algES256, ecJWK, nil},
		{"EC with alg ES256", algES256, with(ecJWK, "alg", "ES256"), nil},
		{"oct for HS256", algHS256, map[string]any{"kty": "oct", "k": vtB64(k.hmac)}, errJWKSymmetric},
		{"oct for RS256", algRS256, map[string]any{"kty": "oct", "k": vtB64(k.hmac)}, errJWKSymmetric},
		{"RSA for ES256", algES256, rsaJWK, errJWKKty},
		{"EC for RS256", algRS256, ecJWK, errJWKKty},
		{"OKP", algRS256, map[string]any{"kty": "OKP", "crv": "Ed25519", "x": vtB64(make([]byte, 32))}, errJWKKty},
		{"RSA with alg RS384", algRS256, with(rsaJWK, "alg", "RS384"), errJWKAlg},
		{"RSA with alg HS256", algRS256, with(rsaJWK, "alg", "HS256"), errJWKAlg},
		{"RSA with use enc", algRS256, with(rsaJWK, "use", "enc"), errJWKUse},
		{"RSA with key_ops sign", algRS256, with(rsaJWK, "key_ops", []string{"sign"}), errJWKOps},
		{"EC P-384 claimed", algES256, with(ecJWK, "crv", "P-384"), errJWKCrv},
		{"kid too long", algRS256, with(rsaJWK, "kid", strings.Repeat("k", 257)), errJWKKID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key, err := usableJWK(tc.alg, vtMarshalJWK(t, tc.jwk))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("not usable: %v", err)
				}
				switch key.Key().(type) {
				case *rsa.PublicKey, *ecdsa.PublicKey:
				default:
					t.Fatalf("key type %T", key)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}

	// Invalid key material is refused by jwkset or by the strength floor.
	for name, m := range map[string]map[string]any{
		"EC point not on the curve": with(ecJWK, "y", vtB64(make([]byte, 32))),
		"RSA with garbage n":        with(rsaJWK, "n", "!!!"),
		"RSA without e":             with(rsaJWK, "e", nil),
	} {
		if _, err := usableJWK(map[bool]string{true: algES256, false: algRS256}[m["kty"] == "EC"], vtMarshalJWK(t, m)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestKeySet: lookup by kid, kid-less lookup, and withdrawal detection.
func TestKeySet(t *testing.T) {
	k := vtKeys()
	jwk := func(key any, kid string) jwkset.JWK {
		j, err := jwkset.NewJWKFromKey(key, jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{KID: kid}})
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	a, b := jwk(&k.rsa.PublicKey, "a"), jwk(&k.rsaNext.PublicKey, "b")
	bAsA := jwk(&k.rsaNext.PublicKey, "a")
	one := &keySet{byKID: map[string]jwkset.JWK{"a": a}, all: []jwkset.JWK{a}}
	two := &keySet{byKID: map[string]jwkset.JWK{"a": a, "b": b}, all: []jwkset.JWK{a, b}}
	swapped := &keySet{byKID: map[string]jwkset.JWK{"a": bAsA}, all: []jwkset.JWK{bAsA}}

	if got, ok := one.lookup(""); !ok || !keysEqual(got.Key(), a.Key()) {
		t.Fatal("kid-less lookup with one key")
	}
	if _, ok := two.lookup(""); ok {
		t.Fatal("kid-less lookup with two keys")
	}
	if got, ok := two.lookup("b"); !ok || !keysEqual(got.Key(), b.Key()) {
		t.Fatal("lookup b")
	}
	if _, ok := two.lookup("c"); ok {
		t.Fatal("lookup c")
	}
	var none *keySet
	if _, ok := none.lookup("a"); ok || none.size() != 0 {
		t.Fatal("nil set")
	}
	if two.removedFrom(one) || two.removedFrom(nil) {
		t.Fatal("adding a key is not a withdrawal")
	}
	if !one.removedFrom(two) {
		t.Fatal("removing b is a withdrawal")
	}
	if !swapped.removedFrom(one) {
		t.Fatal("replacing the key under kid a is a withdrawal")
	}
}
