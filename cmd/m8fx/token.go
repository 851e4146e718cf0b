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
	"github.com/google/uuid"

	"github.com/m8fx/kit/settingsmod"
)

// envSource reads the settings like a service does.
func envSource() (settingsmod.Source, error) { return settingsmod.EnvSource() }

// maxDevTokenTTL bounds -ttl so that a dev token cannot live for months.
const maxDevTokenTTL = 24 * time.Hour

// runToken mints an access token accepted by a service configured with the
// same settings: HS256 signs with ACCESS_SECRET_KEY, RS256/ES256 with the
// private key given by -key. iss and aud come from TOKEN_ISSUER and
// TOKEN_AUDIENCE. It refuses to run in production.
func runToken(args []string, source func() (settingsmod.Source, error), stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sub := fs.String("sub", "", "user id (UUID; default: a random one)")
	email := fs.String("email", "dev@example.com", "email claim")
	name := fs.String("name", "Dev User", "full_name claim")
	role := fs.String("role", "user", "role claim: user, reader, writer, admin, superadmin")
	superuser := fs.Bool("superuser", false, "is_superuser claim (the superuser guard also needs -role superadmin)")
	inactive := fs.Bool("inactive", false, "is_active=false")
	ttl := fs.Duration("ttl", 30*time.Minute, "lifetime (at most 24h)")
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
	if *ttl <= 0 || *ttl > maxDevTokenTTL {
		return fail(fmt.Errorf("-ttl %s: want a positive duration of at most %s", *ttl, maxDevTokenTTL))
	}
	switch *role {
	case "user", "reader", "writer", "admin", "superadmin":
	default:
		return fail(fmt.Errorf("-role %q: want user, reader, writer, admin or superadmin", *role))
	}
	if *sub == "" {
		*sub = uuid.NewString()
	} else if _, err := uuid.Parse(*sub); err != nil {
		return fail(fmt.Errorf("-sub %q is not a UUID", *sub))
	}

	now := time.Now()
	claims := jwt.MapClaims{
		"sub":            *sub,
		"type":           "access",
		"email":          *email,
		"full_name":      *name,
		"role":           *role,
		"is_active":      !*inactive,
		"is_superuser":   *superuser,
		"email_verified": true,
		"jti":            uuid.NewString(),
		"iat":            now.Unix(),
		"nbf":            now.Unix(),
		"exp":            now.Add(*ttl).Unix(),
	}
	if s.TokenIssuer != "" {
		claims["iss"] = s.TokenIssuer
	}
	if s.TokenAudience != "" {
		claims["aud"] = s.TokenAudience
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
	tok := jwt.NewWithClaims(method, claims)
	if *kid != "" {
		tok.Header["kid"] = *kid
	}
	signed, err := tok.SignedString(key)
	if err != nil {
		return fail(fmt.Errorf("signing with %s: %w", s.AccessTokenAlgorithm, err))
	}
	_, _ = fmt.Fprintln(stdout, signed)
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
