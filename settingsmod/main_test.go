package settingsmod

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testKey is a 32-byte HS256 secret.
const testKey = "test-secret-0123456789abcdef-xyz"

// unset removes a variable in withEnv overrides.
const unset = "\x00unset"

// validEnv returns the smallest map that loads.
func validEnv() map[string]string {
	return map[string]string{
		"ENVIRONMENT":             "local",
		"DOMAIN":                  "localhost",
		"PROJECT_NAME":            "Test",
		"STACK_NAME":              "test",
		"API_PREFIX":              "/api",
		"BACKEND_HOST":            "http://localhost:8000",
		"FRONTEND_HOST":           "http://localhost:3000",
		"ACCESS_TOKEN_ALGORITHM":  "HS256",
		"ACCESS_SECRET_KEY":       testKey,
		"TOKEN_MODE":              "stateless",
		"TOKEN_STRICT_VALIDATION": "false",
		"EVENT_SIGNING_ENABLED":   "false",
	}
}

// withEnv returns validEnv with overrides applied; the value unset deletes.
func withEnv(overrides map[string]string) map[string]string {
	m := validEnv()
	for k, v := range overrides {
		if v == unset {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	return m
}

// mustLoad loads m and fails the test on error.
func mustLoad(t *testing.T, m map[string]string) *Settings {
	t.Helper()
	s, err := Load(MapSource(m))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

// problemsOf returns the problems of a *ValidationError, failing otherwise.
func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want *ValidationError, got %T: %v", err, err)
	}
	return ve.Problems
}

// findProblem reports whether ps has a problem for env whose message contains msg.
func findProblem(ps []Problem, env, msg string) bool {
	for _, p := range ps {
		if p.Env == env && strings.Contains(p.Message, msg) {
			return true
		}
	}
	return false
}

// ruleCase is one row of a validation table: env == "" means m must load.
type ruleCase struct {
	name string
	set  map[string]string
	env  string
	msg  string
}

// runRuleCases loads validEnv with each case's overrides and checks that the
// expected problem is reported, or that loading succeeds.
func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(MapSource(withEnv(tc.set)))
			if tc.env == "" {
				if err != nil {
					t.Fatalf("want no error, got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want a problem for %s containing %q, got none", tc.env, tc.msg)
			}
			if ps := problemsOf(t, err); !findProblem(ps, tc.env, tc.msg) {
				t.Fatalf("want a problem for %s containing %q, got:\n%v", tc.env, tc.msg, err)
			}
		})
	}
}

// writeFile writes content to name in a temporary directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

var (
	rsa2048 = sync.OnceValue(func() *rsa.PrivateKey { return mustRSA(2048) })
	rsa1024 = sync.OnceValue(func() *rsa.PrivateKey { return mustRSA(1024) })
	ecP256  = sync.OnceValue(func() *ecdsa.PrivateKey { return mustEC(elliptic.P256()) })
	ecP384  = sync.OnceValue(func() *ecdsa.PrivateKey { return mustEC(elliptic.P384()) })
)

func mustRSA(bits int) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(err) // test setup only
	}
	return k
}

func mustEC(c elliptic.Curve) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		panic(err) // test setup only
	}
	return k
}

// pkixPEM returns pub as a "PUBLIC KEY" PEM block.
func pkixPEM(t *testing.T, pub any) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// keyFile writes pub as a PKIX PEM file and returns its path.
func keyFile(t *testing.T, pub any) string {
	t.Helper()
	return writeFile(t, "key.pem", string(pkixPEM(t, pub)))
}
