package settingsmod

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func certPEM(t *testing.T, key *ecdsa.PrivateKey) []byte {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "issuer"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestParsePublicKeyPEM(t *testing.T) {
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rsa2048().PublicKey)})
	privDER, err := x509.MarshalPKCS8PrivateKey(ecP256())
	if err != nil {
		t.Fatal(err)
	}
	private := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER})
	tests := []struct {
		name    string
		data    []byte
		alg     string
		wantErr string
	}{
		{"RS256 PKIX", pkixPEM(t, &rsa2048().PublicKey), "RS256", ""},
		{"RS256 PKCS1", pkcs1, "RS256", ""},
		{"RS256 with leading text", append([]byte("comment\n"), pkixPEM(t, &rsa2048().PublicKey)...), "RS256", ""},
		{"ES256 PKIX", pkixPEM(t, &ecP256().PublicKey), "ES256", ""},
		{"ES256 certificate", certPEM(t, ecP256()), "ES256", ""},
		{"RS256 weak", pkixPEM(t, &rsa1024().PublicKey), "RS256", "got a 1024-bit RSA key, but RS256 needs at least 2048 bits"},
		{"ES256 P-384", pkixPEM(t, &ecP384().PublicKey), "ES256", "got an ECDSA key on P-384, but ES256 needs P-256"},
		{"ES256 given RSA", pkixPEM(t, &rsa2048().PublicKey), "ES256", "got an RSA key, but ES256 needs an ECDSA P-256 key"},
		{"RS256 given EC", pkixPEM(t, &ecP256().PublicKey), "RS256", "got an ECDSA key, but RS256 needs an RSA key"},
		{"RS256 given certificate of EC", certPEM(t, ecP256()), "RS256", "got an ECDSA key"},
		{"Ed25519", pkixPEM(t, edPub), "RS256", "got an Ed25519 key"},
		{"HS256 has no public key", pkixPEM(t, &rsa2048().PublicKey), "HS256", "does not use a public key"},
		{"empty", nil, "RS256", "no PEM block"},
		{"not PEM", []byte("hello"), "RS256", "no PEM block"},
		{"private key", private, "ES256", "never the private key"},
		{"unknown block", pem.EncodeToMemory(&pem.Block{Type: "FOO", Bytes: []byte{1}}), "RS256", `unsupported PEM block "FOO"`},
		{"corrupt PKIX", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1, 2}}), "RS256", "parse PKIX public key"},
		{"corrupt PKCS1", pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: []byte{1, 2}}), "RS256", "parse PKCS #1"},
		{"corrupt certificate", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2}}), "ES256", "parse X.509 certificate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, err := ParsePublicKeyPEM(tc.data, tc.alg)
			if tc.wantErr == "" {
				if err != nil || key == nil {
					t.Fatalf("want a key, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("want error containing %q, got %v", tc.wantErr, err)
			}
		})
	}
}

func TestCheckPublicKeyFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.pem")
	if err := os.WriteFile(good, pkixPEM(t, &ecP256().PublicKey), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, alg, wantErr string
	}{
		{"ok", good, "ES256", ""},
		{"wrong alg names the path", good, "RS256", good},
		{"missing", filepath.Join(dir, "missing.pem"), "ES256", "cannot read the public key file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkPublicKeyFile(tc.path, tc.alg)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("want %q, got %v", tc.wantErr, err)
			}
		})
	}
}
