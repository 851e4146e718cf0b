package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/MicahParks/jwkset"
)

// runKeys writes private.pem (PKCS#8, mode 0600), public.pem (PKIX) and
// jwks.json (the public key as a JWK set) into -out.
func runKeys(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("keys", flag.ContinueOnError)
	fs.SetOutput(stderr)
	alg := fs.String("alg", "RS256", "RS256 (RSA 2048) or ES256 (ECDSA P-256)")
	out := fs.String("out", ".", "directory for private.pem, public.pem and jwks.json")
	kid := fs.String("kid", "", "key id in the JWKS (default: derived from the date)")
	bits := fs.Int("bits", 2048, "RSA key size (RS256 only; at least 2048)")
	force := fs.Bool("force", false, "overwrite existing files")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *kid == "" {
		*kid = "m8fx-" + time.Now().UTC().Format("20060102-150405")
	}
	files, err := generateKeyFiles(*alg, *bits, *kid)
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "m8fx keys: %v\n", err)
		return 1
	}
	if err := writeKeyFiles(*out, files, *force); err != nil {
		_, _ = fmt.Fprintf(stderr, "m8fx keys: %v\n", err)
		return 1
	}
	_, _ = fmt.Fprintf(stdout, "wrote %s, %s and %s (alg %s, kid %s)\n",
		filepath.Join(*out, "private.pem"), filepath.Join(*out, "public.pem"), filepath.Join(*out, "jwks.json"), *alg, *kid)
	_, _ = fmt.Fprintf(stdout, "consumers: ACCESS_TOKEN_ALGORITHM=%s ACCESS_PUBLIC_KEY_FILE=%s (or serve jwks.json yourself at JWKS_URI; m8fx dev-issuer serves a JWKS, jti-status and the rest of fa-auth-m8 for development)\n",
		*alg, filepath.Join(*out, "public.pem"))
	return 0
}

type keyFiles struct {
	privatePEM, publicPEM, jwks []byte
}

func generateKeyFiles(alg string, bits int, kid string) (keyFiles, error) {
	var priv crypto.Signer
	switch alg {
	case "RS256":
		if bits < 2048 {
			return keyFiles{}, fmt.Errorf("-bits %d is too weak: RS256 keys need at least 2048 bits", bits)
		}
		k, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			return keyFiles{}, err
		}
		priv = k
	case "ES256":
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return keyFiles{}, err
		}
		priv = k
	default:
		return keyFiles{}, fmt.Errorf("-alg %q: want RS256 or ES256 (HS256 uses a shared secret, not a key pair)", alg)
	}
	// The public key only: jwkset then cannot write a private member.
	jwk, err := jwkset.NewJWKFromKey(priv.Public(), jwkset.JWKOptions{
		Metadata: jwkset.JWKMetadataOptions{KID: kid, ALG: jwkset.ALG(alg), USE: jwkset.UseSig},
	})
	if err != nil {
		return keyFiles{}, fmt.Errorf("encoding the JWK: %w", err)
	}

	privDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return keyFiles{}, err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(priv.Public())
	if err != nil {
		return keyFiles{}, err
	}
	set, err := json.MarshalIndent(jwkset.JWKSMarshal{Keys: []jwkset.JWKMarshal{jwk.Marshal()}}, "", "  ")
	if err != nil {
		return keyFiles{}, err
	}
	return keyFiles{
		privatePEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}),
		publicPEM:  pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}),
		jwks:       append(set, '\n'),
	}, nil
}

func writeKeyFiles(dir string, f keyFiles, force bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{"private.pem", f.privatePEM, 0o600},
		{"public.pem", f.publicPEM, 0o644},
		{"jwks.json", f.jwks, 0o644},
	}
	if !force {
		for _, w := range write {
			if _, err := os.Stat(filepath.Join(dir, w.name)); err == nil {
				return fmt.Errorf("%s exists; use -force to overwrite", filepath.Join(dir, w.name))
			} else if !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	for _, w := range write {
		if err := os.WriteFile(filepath.Join(dir, w.name), w.data, w.mode); err != nil {
			return err
		}
	}
	return nil
}
