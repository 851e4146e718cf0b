package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/m8fx/kit/devissuer"
	"github.com/m8fx/kit/settingsmod"
)

// envSource reads the settings like a service does.
func envSource() (settingsmod.Source, error) { return settingsmod.EnvSource() }

// runToken mints an access token accepted by a service configured with the
// same settings: HS256 signs with ACCESS_SECRET_KEY, RS256/ES256 with the
// private key given by -key. iss and aud come from TOKEN_ISSUER and
// TOKEN_AUDIENCE. It refuses to run in production. (Against a running
// dev issuer, `m8fx dev-issuer mint` takes the same flags and records the
// jti for jti-status.)
func runToken(args []string, source func() (settingsmod.Source, error), stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tf := addTokenFlags(fs)
	keyFile := fs.String("key", "", "PEM private key for RS256/ES256 (see m8fx keys)")
	kid := fs.String("kid", "", "kid header (needed when the service uses a JWKS)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int {
		_, _ = fmt.Fprintf(stderr, "m8fx token: %v\n", err)
		return 1
	}

	s, err := loadSettings(source)
	if err != nil {
		return fail(err)
	}
	if s.IsProduction() {
		return fail(errors.New("refusing to mint tokens in production (ENVIRONMENT=production or STRICT_PRODUCTION_MODE=true)"))
	}
	spec, err := tf.spec()
	if err != nil {
		return fail(err)
	}
	now := time.Now()
	claims, err := spec.BuildClaims(now, s.TokenIssuer, s.TokenAudience)
	if err != nil {
		return fail(err)
	}

	method := jwt.GetSigningMethod(s.AccessTokenAlgorithm)
	var key any
	switch s.AccessTokenAlgorithm {
	case "HS256":
		key = []byte(s.AccessSecretKey.Value())
	default:
		if *keyFile == "" {
			return fail(fmt.Errorf("ACCESS_TOKEN_ALGORITHM=%s needs -key with the issuer's private key (m8fx keys writes one)", s.AccessTokenAlgorithm))
		}
		key, err = readPrivateKey(*keyFile)
		if err != nil {
			return fail(err)
		}
	}
	tok := jwt.NewWithClaims(method, jwt.MapClaims(claims))
	if *kid != "" {
		tok.Header["kid"] = *kid
	}
	signed, err := tok.SignedString(key)
	if err != nil {
		return fail(fmt.Errorf("signing with %s: %w", s.AccessTokenAlgorithm, err))
	}
	m := devissuer.Minted{Token: signed, JTI: claims["jti"].(string), Sub: claims["sub"].(string), Exp: time.Unix(claims["exp"].(int64), 0).UTC()}
	if err := tf.print(stdout, m); err != nil {
		return fail(err)
	}
	return 0
}

func readPrivateKey(path string) (any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("-key %s: no PEM block", path)
	}
	switch block.Type {
	case "PRIVATE KEY":
		return x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		return x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		return x509.ParseECPrivateKey(block.Bytes)
	}
	return nil, fmt.Errorf("-key %s: unsupported PEM block %q", path, block.Type)
}
