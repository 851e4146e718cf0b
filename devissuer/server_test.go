package devissuer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testIssuer is a dev issuer on a loopback listener.
type testIssuer struct {
	*Server
	http *httptest.Server
	dir  string
}

// startIssuer opens a dev issuer on dir ("" → a new temporary folder).
func startIssuer(t *testing.T, dir string, mod func(*Config)) *testIssuer {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	hs := httptest.NewUnstartedServer(nil)
	cfg := Config{Dir: dir, BaseURL: "http://" + hs.Listener.Addr().String(), Heartbeat: 50 * time.Millisecond}
	if mod != nil {
		mod(&cfg)
	}
	s, err := Open(cfg)
	if err != nil {
		hs.Close()
		t.Fatal(err)
	}
	hs.Config.Handler = s.Handler()
	hs.Start()
	ti := &testIssuer{Server: s, http: hs, dir: dir}
	t.Cleanup(ti.stop)
	return ti
}

func (ti *testIssuer) stop() {
	_ = ti.Close()
	ti.http.Close()
}

// do sends a request with a JSON body (nil: none) and headers (name, value
// pairs), and returns the status, headers and body.
func (ti *testIssuer) do(t *testing.T, method, path string, body any, headers ...string) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, ti.URL(path), rd)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := ti.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, data
}

// bootstrap returns the first client's credential headers.
func (ti *testIssuer) bootstrap() []string {
	env := envMap(ti.ConsumerEnv())
	return []string{"X-Internal-Client", env["INTERNAL_CLIENT_ID"], "X-Internal-Token", env["PRIVATE_API_SECRET"]}
}

func envMap(vars []EnvVar) map[string]string {
	m := map[string]string{}
	for _, v := range vars {
		m[v.Name] = v.Value
	}
	return m
}

func TestOpenRefusesBadConfig(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no dir", Config{BaseURL: "http://127.0.0.1:9000"}, "state folder"},
		{"no base URL", Config{Dir: dir}, "base URL"},
		{"base URL with path", Config{Dir: dir, BaseURL: "http://127.0.0.1:9000/user"}, "without a path"},
		{"bad prefix", Config{Dir: dir, BaseURL: "http://127.0.0.1:9000", Prefix: "user"}, "prefix"},
		{"bad alg", Config{Dir: dir, BaseURL: "http://127.0.0.1:9000", Algorithm: "none"}, "algorithm"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v, want one line containing %q", err, tc.want)
			}
		})
	}
}

func TestStateSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	first := startIssuer(t, dir, nil)
	kid := first.KeyIDs()[0]
	env := envMap(first.ConsumerEnv())
	m, err := first.Mint(TokenSpec{Role: "writer"})
	if err != nil {
		t.Fatal(err)
	}
	key, err := first.CreateAPIKey(APIKeySpec{AccessMode: APIKeyReadWrite})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.RevokeUser(key.Owner); err != nil {
		t.Fatal(err)
	}
	first.stop()

	info, err := os.Stat(filepath.Join(dir, stateFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v, mode %v; want 0600", err, info.Mode())
	}
	second := startIssuer(t, dir, nil)
	if got := second.KeyIDs(); len(got) != 1 || got[0] != kid {
		t.Errorf("kids after restart = %v, want [%s]", got, kid)
	}
	env2 := envMap(second.ConsumerEnv())
	for _, name := range []string{"INTERNAL_CLIENT_ID", "PRIVATE_API_SECRET", "EVENT_SIGNING_KEY"} {
		if env[name] != env2[name] {
			t.Errorf("%s changed across the restart", name)
		}
	}
	second.mu.Lock()
	active, _ := second.st.status(m.JTI, m.Sub, time.Now())
	answer := second.st.introspect(key.Key, time.Now())
	second.mu.Unlock()
	if !active {
		t.Error("a token minted before the restart is not active after it")
	}
	if p, _ := answer["principal"].(map[string]any); p == nil || p["auth_generation"] != int64(2) {
		t.Errorf("API key after restart = %v, want active with the owner's generation 2", answer)
	}
}

func TestOpenRefusesOtherAlgorithm(t *testing.T) {
	dir := t.TempDir()
	startIssuer(t, dir, nil).stop()
	_, err := Open(Config{Dir: dir, BaseURL: "http://127.0.0.1:9000", Algorithm: "ES256"})
	if err == nil || !strings.Contains(err.Error(), "signs with RS256") {
		t.Fatalf("err = %v", err)
	}
}

func TestOpenRefusesCorruptState(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, stateFile), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(Config{Dir: dir, BaseURL: "http://127.0.0.1:9000"})
	if err == nil || !strings.Contains(err.Error(), "not a dev-issuer state file") {
		t.Fatalf("err = %v", err)
	}
}

// TestConcurrentActions: mints, revocations, API keys, rotations and
// jti-status calls at once keep the state consistent (run with -race), and
// the state file read back after them holds every minted token.
func TestConcurrentActions(t *testing.T) {
	ti := startIssuer(t, "", func(c *Config) { c.Algorithm = "ES256" })
	const n = 16
	minted := make(chan Minted, n)
	errs := make(chan error, 4*n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			m, err := ti.Mint(TokenSpec{Role: "writer"})
			if err != nil {
				errs <- err
				return
			}
			minted <- m
			if i%2 == 0 {
				if _, err := ti.RevokeJTI(m.JTI); err != nil {
					errs <- err
				}
			}
			if _, err := ti.CreateAPIKey(APIKeySpec{Owner: m.Sub}); err != nil {
				errs <- err
			}
			if i%5 == 0 {
				if _, err := ti.Rotate(); err != nil {
					errs <- err
				}
			}
			// Not ti.do: t.Fatal must not run outside the test's goroutine.
			req, _ := http.NewRequest(http.MethodPost, ti.URL(PathJTIStatus),
				strings.NewReader(`{"jti":"`+m.JTI+`","expected_user_id":"`+m.Sub+`","schema_version":"2"}`))
			bs := ti.bootstrap()
			req.Header.Set(bs[0], bs[1])
			req.Header.Set(bs[2], bs[3])
			resp, err := ti.http.Client().Do(req)
			if err != nil {
				errs <- err
				return
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				errs <- fmt.Errorf("jti-status: %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	close(minted)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st, err := loadState(ti.dir)
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for m := range minted {
		count++
		if st.Tokens[m.JTI] == nil {
			t.Errorf("token %s is not in the saved state", m.JTI)
		}
	}
	if count != n || len(st.APIKeys) != n || len(st.Revoked) != n/2 || len(st.Keys) != 2 {
		t.Errorf("saved state: %d tokens minted, %d API keys, %d revoked, %d keys", count, len(st.APIKeys), len(st.Revoked), len(st.Keys))
	}
}
