package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/joho/godotenv"
)

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func noEnv(string) string { return "" }

// startDevIssuer runs `m8fx dev-issuer` on a free loopback port and
// returns its base URL (prefix included) and its stderr.
func startDevIssuer(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- runDevIssuer(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), noEnv, pw, stderr)
		_ = pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("dev issuer did not start: %v; stderr: %s", err, stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	m := regexp.MustCompile(`serving (http://\S+) `).FindStringSubmatch(line)
	if m == nil {
		cancel()
		t.Fatalf("start line %q", line)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("dev issuer exited %d: %s", code, stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Error("dev issuer did not stop within 10s")
		}
	})
	return m[1], stderr
}

func action(t *testing.T, url string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runDevIssuer(context.Background(), append(args[:1:1], append([]string{"-url", url}, args[1:]...)...), noEnv, &stdout, &stderr)
	return strings.TrimSpace(stdout.String()), stderr.String(), code
}

func TestDevIssuerCommands(t *testing.T) {
	dir := t.TempDir()
	url, logs := startDevIssuer(t, "-dir", dir, "-alg", "ES256")

	out, stderr, code := action(t, url, "mint", "-role", "editor", "-claim", "dept=sales", "-json")
	if code != 0 {
		t.Fatalf("mint: %d %s", code, stderr)
	}
	var m struct{ Token, JTI, Sub string }
	if err := json.Unmarshal([]byte(out), &m); err != nil || m.JTI == "" || strings.Count(m.Token, ".") != 2 {
		t.Fatalf("mint -json output %q", out)
	}
	if tok, _, code := action(t, url, "mint"); code != 0 || strings.Count(tok, ".") != 2 || strings.Contains(tok, "{") {
		t.Errorf("mint without -json printed %q", tok)
	}
	steps := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"revoke", "-jti", m.JTI}, 0, `"event_id"`},
		{[]string{"revoke", "-jti", "nope"}, 1, "404"},
		{[]string{"revoke"}, 1, "-jti (or -token) is required"},
		{[]string{"revoke", "-token", m.Token}, 0, m.JTI},
		{[]string{"revoke", "-token", "junk"}, 1, "-token is not a JWT"},
		{[]string{"revoke", "-token", m.Token, "-jti", m.JTI}, 1, "not both"},
		{[]string{"revoke-user", "-token", m.Token}, 0, m.Sub},
		{[]string{"revoke-user", "-sub", m.Sub}, 0, `"auth_generation":3`},
		{[]string{"delete-user", "-sub", m.Sub}, 0, m.Sub},
		{[]string{"api-key", "-mode", "read_write"}, 0, `"api_key":"m8dev_`},
		{[]string{"api-key", "-expired"}, 0, `"expires_at"`},
		{[]string{"fault", "-kind", "jti_status_down", "-for", "30s"}, 0, `"until"`},
		{[]string{"fault", "-kind", "meteor"}, 1, "meteor"},
		{[]string{"fault", "-clear"}, 0, ""},
		{[]string{"rotate"}, 0, `"kids"`},
	}
	for _, st := range steps {
		out, stderr, code := action(t, url, st.args...)
		if code != st.code || !strings.Contains(out+stderr, st.out) {
			t.Errorf("%v: exit %d, out %q, stderr %q; want exit %d with %q", st.args, code, out, stderr, st.code, st.out)
		}
	}
	if _, stderr, code := action(t, "http://127.0.0.1:1/user", "rotate"); code != 1 || !strings.Contains(stderr, "no dev issuer answering") {
		t.Errorf("unreachable issuer: %d %q", code, stderr)
	}

	// env prints a .env for this issuer (same state folder and address).
	host := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/user")
	var envOut, envErr bytes.Buffer
	if code := runDevIssuer(context.Background(), []string{"env", "-dir", dir, "-addr", host}, noEnv, &envOut, &envErr); code != 0 {
		t.Fatalf("env: %d %s", code, envErr.String())
	}
	env, err := godotenv.Unmarshal(envOut.String())
	if err != nil {
		t.Fatal(err)
	}
	if env["ENVIRONMENT"] != "local" || env["ACCESS_TOKEN_ALGORITHM"] != "ES256" || env["JWKS_URI"] != url+"/.well-known/jwks.json" ||
		env["INTROSPECTION_URL"] != url+"/private/v1/jti-status" || env["PRIVATE_API_SECRET"] == "" {
		t.Errorf("env %v", env)
	}
	resp, err := http.Get(env["JWKS_URI"])
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("JWKS_URI: %v", err)
	}
	resp.Body.Close()

	// Nothing secret reached the issuer's log.
	for _, secret := range []string{env["PRIVATE_API_SECRET"], env["EVENT_SIGNING_KEY"], m.Token} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the dev issuer logged a secret or a token")
		}
	}
}

func TestDevIssuerRefusals(t *testing.T) {
	prod := func(k string) string { return map[string]string{"ENVIRONMENT": "production"}[k] }
	strict := func(k string) string { return map[string]string{"STRICT_PRODUCTION_MODE": "true"}[k] }
	tests := []struct {
		name   string
		getenv func(string) string
		args   []string
		code   int
		want   string
	}{
		{"production", prod, nil, 1, "refusing to run in production"},
		{"strict production", strict, []string{"env"}, 1, "refusing to run in production"},
		{"unknown action", noEnv, []string{"explode"}, 2, `unknown action "explode"`},
		{"bad alg", noEnv, []string{"-addr", "127.0.0.1:0", "-alg", "none", "-dir", t.TempDir()}, 1, "algorithm"},
		{"address in use", noEnv, []string{"-addr", "256.0.0.1:1"}, 1, "m8fx dev-issuer:"},
		{"HS256 rotate", noEnv, []string{"-addr", "127.0.0.1:0", "-alg", "HS256", "-rotate", "-dir", t.TempDir()}, 1, "-rotate needs RS256 or ES256"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runDevIssuer(context.Background(), tc.args, tc.getenv, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.want) || strings.Count(strings.TrimSpace(stderr.String()), "\n") > 0 && tc.code == 1 {
				t.Fatalf("exit %d stderr %q, want %d with one line containing %q", code, stderr.String(), tc.code, tc.want)
			}
		})
	}
}
