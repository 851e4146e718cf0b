package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/m8fx/kit/settingsmod"
)

func TestKeysWritesMatchingFiles(t *testing.T) {
	for _, alg := range []string{"RS256", "ES256"} {
		t.Run(alg, func(t *testing.T) {
			dir := t.TempDir()
			var stdout, stderr bytes.Buffer
			if code := runKeys([]string{"-alg", alg, "-out", dir, "-kid", "k1"}, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			pubPEM, _ := os.ReadFile(filepath.Join(dir, "public.pem"))
			pub, err := settingsmod.ParsePublicKeyPEM(pubPEM, alg)
			if err != nil {
				t.Fatalf("public.pem refused by the settings checks: %v", err)
			}
			info, err := os.Stat(filepath.Join(dir, "private.pem"))
			if err != nil || info.Mode().Perm() != 0o600 {
				t.Fatalf("private.pem mode %v (%v)", info.Mode().Perm(), err)
			}
			priv, err := readPrivateKey(filepath.Join(dir, "private.pem"))
			if err != nil {
				t.Fatal(err)
			}
			// The pair works: sign with the private key, verify with public.pem.
			signed, err := jwt.NewWithClaims(jwt.GetSigningMethod(alg), jwt.MapClaims{"x": 1}).SignedString(priv)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := jwt.Parse(signed, func(*jwt.Token) (any, error) { return pub, nil }, jwt.WithValidMethods([]string{alg})); err != nil {
				t.Fatalf("token signed by private.pem not verified by public.pem: %v", err)
			}
			// The JWKS describes the same public key.
			var set struct {
				Keys []map[string]string `json:"keys"`
			}
			raw, _ := os.ReadFile(filepath.Join(dir, "jwks.json"))
			if err := json.Unmarshal(raw, &set); err != nil || len(set.Keys) != 1 {
				t.Fatalf("jwks.json: %v %s", err, raw)
			}
			k := set.Keys[0]
			if k["kid"] != "k1" || k["alg"] != alg || k["use"] != "sig" {
				t.Fatalf("jwk header fields: %v", k)
			}
			switch p := pub.(type) {
			case *rsa.PublicKey:
				if k["kty"] != "RSA" || k["n"] != b64(p.N.Bytes()) || k["e"] != b64(big.NewInt(int64(p.E)).Bytes()) {
					t.Fatalf("RSA jwk does not match public.pem: %v", k)
				}
			case *ecdsa.PublicKey:
				raw, err := p.Bytes() // 0x04 || X || Y
				if err != nil {
					t.Fatal(err)
				}
				if k["kty"] != "EC" || k["crv"] != "P-256" || k["x"] != b64(raw[1:33]) || k["y"] != b64(raw[33:]) {
					t.Fatalf("EC jwk does not match public.pem: %v", k)
				}
			default:
				t.Fatalf("unexpected key type %T", pub)
			}
			if _, ok := k["d"]; ok {
				t.Fatal("private material in the JWKS")
			}
		})
	}
}

func TestKeysRefusals(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad alg", []string{"-alg", "HS256", "-out", dir}, "want RS256 or ES256"},
		{"weak rsa", []string{"-bits", "1024", "-out", dir}, "too weak"},
		{"bad flag", []string{"-nope"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := runKeys(tt.args, &stdout, &stderr); code == 0 || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%s: code %d stderr %q", tt.name, code, stderr.String())
		}
	}
	var out bytes.Buffer
	if code := runKeys([]string{"-alg", "ES256", "-out", dir}, &out, &out); code != 0 {
		t.Fatal(out.String())
	}
	before, _ := os.ReadFile(filepath.Join(dir, "private.pem"))
	out.Reset()
	if code := runKeys([]string{"-alg", "ES256", "-out", dir}, &out, &out); code == 0 || !strings.Contains(out.String(), "-force") {
		t.Fatalf("existing keys overwritten without -force: %q", out.String())
	}
	after, _ := os.ReadFile(filepath.Join(dir, "private.pem"))
	if !bytes.Equal(before, after) {
		t.Fatal("private.pem changed")
	}
	if code := runKeys([]string{"-alg", "ES256", "-out", dir, "-force"}, &out, &out); code != 0 {
		t.Fatal("-force did not overwrite")
	}
	block, _ := pem.Decode(after)
	if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
		t.Fatal(err)
	}
}

// b64 is base64url without padding, the JWK encoding of key material.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
