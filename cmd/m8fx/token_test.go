package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/settingsmod"
)

const devSecret = "dev-only-token-test-secret-0123456789abcdef"

func devEnv(extra ...string) map[string]string {
	env := map[string]string{
		"ENVIRONMENT": "local", "DOMAIN": "localhost", "PROJECT_NAME": "t", "STACK_NAME": "t", "API_PREFIX": "/api",
		"BACKEND_HOST": "http://localhost:8000", "FRONTEND_HOST": "http://localhost:3000",
		"TOKEN_MODE": "stateless", "ACCESS_TOKEN_ALGORITHM": "HS256", "ACCESS_SECRET_KEY": devSecret,
		"TOKEN_ISSUER": "https://auth.test", "TOKEN_AUDIENCE": "itemsvc", "EVENT_SIGNING_ENABLED": "false",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return env
}

func mint(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runToken(args, func() (settingsmod.Source, error) { return settingsmod.MapSource(env), nil }, &stdout, &stderr)
	return strings.TrimSpace(stdout.String()), stderr.String(), code
}

func TestTokenHS256(t *testing.T) {
	sub := "0b7e7f3e-8f43-4a57-9c2e-3f4b8d8e2a11"
	tok, stderr, code := mint(t, devEnv(), "-role", "writer", "-sub", sub, "-email", "w@example.com", "-ttl", "10m")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return []byte(devSecret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer("https://auth.test"), jwt.WithAudience("itemsvc"), jwt.WithExpirationRequired())
	if err != nil {
		t.Fatalf("minted token does not verify: %v", err)
	}
	want := map[string]any{"sub": sub, "type": "access", "role": "writer", "email": "w@example.com", "is_active": true, "is_superuser": false}
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("claim %s = %v, want %v", k, claims[k], v)
		}
	}
	exp, _ := claims.GetExpirationTime()
	if d := time.Until(exp.Time); d <= 9*time.Minute || d > 10*time.Minute {
		t.Errorf("exp in %s, want about 10m", d)
	}
	if claims["jti"] == "" || claims["jti"] == nil {
		t.Error("no jti")
	}
}

func TestTokenAsymmetric(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if code := runKeys([]string{"-alg", "ES256", "-out", dir, "-kid", "dev-1"}, &out, &out); code != 0 {
		t.Fatal(out.String())
	}
	env := devEnv("ACCESS_TOKEN_ALGORITHM", "ES256", "ACCESS_PUBLIC_KEY_FILE", filepath.Join(dir, "public.pem"))
	delete(env, "ACCESS_SECRET_KEY")
	if _, stderr, code := mint(t, env); code == 0 || !strings.Contains(stderr, "needs -key") {
		t.Fatalf("missing -key: code %d %q", code, stderr)
	}
	tok, stderr, code := mint(t, env, "-key", filepath.Join(dir, "private.pem"), "-kid", "dev-1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	parsed, _, err := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
	if err != nil || parsed.Header["alg"] != "ES256" || parsed.Header["kid"] != "dev-1" {
		t.Fatalf("header %v (%v)", parsed.Header, err)
	}
}

func TestTokenRefusals(t *testing.T) {
	prod := devEnv("ENVIRONMENT", "production", "BACKEND_CORS_ORIGINS", "", "FRONTEND_HOST", "https://app.example.com", "BACKEND_HOST", "https://api.example.com")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"production", prod, nil, "refusing to mint tokens in production"},
		{"strict production mode", devEnv("STRICT_PRODUCTION_MODE", "true", "FRONTEND_HOST", "https://app.example.com"), nil, "refusing"},
		{"bad role", devEnv(), []string{"-role", "god mode"}, `role "god mode"`},
		{"reserved claim", devEnv(), []string{"-claim", "exp=1"}, `claim "exp" is set by the issuer`},
		{"duplicate claim", devEnv(), []string{"-claim", "a=1", "-claim", "a=2"}, `claim "a" given twice`},
		{"bad claim", devEnv(), []string{"-claim", "novalue"}, "want name=value"},
		{"bad sub", devEnv(), []string{"-sub", "42"}, "not a UUID"},
		{"ttl too long", devEnv(), []string{"-ttl", "720h"}, "at most 24h"},
		{"ttl negative", devEnv(), []string{"-ttl", "-1m"}, "positive"},
		{"invalid settings", devEnv("TOKEN_MODE", "maybe"), nil, "TOKEN_MODE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, stderr, code := mint(t, tt.env, tt.args...)
			if code == 0 || tok != "" || !strings.Contains(stderr, tt.want) {
				t.Fatalf("code %d token %q stderr %q, want refusal containing %q", code, tok, stderr, tt.want)
			}
			if strings.Contains(stderr, devSecret) {
				t.Fatal("secret echoed in an error")
			}
		})
	}
}

// TestTokenAcceptedByTheKit: a token minted from the settings passes the
// kit's own validator built from the same settings, and maps to the user.
func TestTokenAcceptedByTheKit(t *testing.T) {
	env := devEnv("TOKEN_STRICT_VALIDATION", "true")
	tok, stderr, code := mint(t, env, "-role", "admin", "-email", "a@example.com")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	s, err := settingsmod.Load(settingsmod.MapSource(env))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := authmod.ValidatorConfigFromSettings(s)
	if err != nil {
		t.Fatal(err)
	}
	v, err := authmod.NewValidator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	claims, err := v.Validate(context.Background(), tok)
	if err != nil {
		t.Fatalf("the kit rejects the minted token: %v", err)
	}
	u, err := authmod.DefaultUserMapper(claims)
	if err != nil || u.Role != authmod.RoleAdmin || u.Email != "a@example.com" || !u.IsActive {
		t.Fatalf("user %+v (%v)", u, err)
	}
}

// TestTokenCustomRoleClaimsAndJSON: any role string, typed extra claims,
// and the JSON output naming the jti, sub and exp of the token.
func TestTokenCustomRoleClaimsAndJSON(t *testing.T) {
	out, stderr, code := mint(t, devEnv(), "-role", "editor", "-claim", "dept=sales", "-claim", "level=3",
		"-claim", "beta=true", "-claim", `perms=["a","b"]`, "-ttl", "5m", "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var m struct {
		Token, JTI, Sub string
		Exp             time.Time
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("-json output %q: %v", out, err)
	}
	claims := jwt.MapClaims{}
	if _, err := jwt.ParseWithClaims(m.Token, claims, func(*jwt.Token) (any, error) { return []byte(devSecret), nil },
		jwt.WithValidMethods([]string{"HS256"})); err != nil {
		t.Fatal(err)
	}
	perms, _ := claims["perms"].([]any)
	if claims["role"] != "editor" || claims["dept"] != "sales" || claims["level"] != float64(3) || claims["beta"] != true ||
		len(perms) != 2 || claims["jti"] != m.JTI || claims["sub"] != m.Sub {
		t.Errorf("claims %v, output %+v", claims, m)
	}
	if exp, _ := claims.GetExpirationTime(); !exp.Time.Equal(m.Exp) || time.Until(m.Exp) > 5*time.Minute {
		t.Errorf("exp claim %v, output %v", exp, m.Exp)
	}
}
