package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// This file runs the service and the dev issuer as real processes, for the
// tests that walk the README's production-like quick start and run several
// replicas.

// m8fxBinary builds the m8fx CLI into a temporary directory.
func m8fxBinary(t *testing.T) string { return goBuild(t, "../../cmd/m8fx", "m8fx") }

// lines collects a process's output lines and signals the first line
// matching each waited-for pattern.
type lines struct {
	mu   sync.Mutex
	all  []string
	seen chan string // every line, for waiters
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.all, "\n")
}

func (l *lines) count(substr string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.all {
		if strings.Contains(s, substr) {
			n++
		}
	}
	return n
}

// proc is a running process whose output is collected.
type proc struct {
	cmd  *exec.Cmd
	out  *lines
	done chan struct{}
}

// startProc starts bin with args and env (the whole environment) and
// collects its stdout and stderr. At the test's end it is stopped with
// SIGTERM and must exit 0 within 20 s.
func startProc(t *testing.T, bin string, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env, cmd.Dir = env, t.TempDir()
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, out: &lines{seen: make(chan string, 1024)}, done: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			p.out.mu.Lock()
			p.out.all = append(p.out.all, sc.Text())
			p.out.mu.Unlock()
			select {
			case p.out.seen <- sc.Text():
			default: // nobody waiting
			}
		}
		close(p.out.seen)
	}()
	go func() {
		_ = cmd.Wait()
		_ = pw.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.done:
			case <-time.After(20 * time.Second):
				_ = cmd.Process.Kill()
				<-p.done
				t.Errorf("%s did not stop within 20s of SIGTERM; output:\n%s", filepath.Base(bin), p.out)
				return
			}
		}
		if code := cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("%s exited %d; output:\n%s", filepath.Base(bin), code, p.out)
		}
	})
	return p
}

// waitFor returns the first submatch of re in a line printed from now on
// (or already printed), failing after timeout.
func (p *proc) waitFor(t *testing.T, re *regexp.Regexp, timeout time.Duration) string {
	t.Helper()
	p.out.mu.Lock()
	for _, l := range p.out.all {
		if m := re.FindStringSubmatch(l); m != nil {
			p.out.mu.Unlock()
			return m[len(m)-1]
		}
	}
	p.out.mu.Unlock()
	deadline := time.After(timeout)
	for {
		select {
		case l, ok := <-p.out.seen:
			if !ok {
				t.Fatalf("process ended before printing %s; output:\n%s", re, p.out)
			}
			if m := re.FindStringSubmatch(l); m != nil {
				return m[len(m)-1]
			}
		case <-deadline:
			t.Fatalf("no line matching %s within %v; output:\n%s", re, timeout, p.out)
		}
	}
}

var (
	devIssuerServing = regexp.MustCompile(`m8fx dev-issuer: serving (http://\S+) `)
	listeningAddr    = regexp.MustCompile(`http server listening\t.*"addr": "([^"]+)"`)
	serviceReady     = regexp.MustCompile(`\t(service ready)\t`)
	streamConnected  = regexp.MustCompile(`\t(auth event stream connected)\t`)
)

// baseEnv is the environment every child process starts from: no
// inherited settings.
func baseEnv(extra ...string) []string {
	return append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, extra...)
}

// startDevIssuerProcess runs `m8fx dev-issuer` on a free loopback port
// with its state in dir, and returns the process and its base URL.
func startDevIssuerProcess(t *testing.T, m8fx, dir string, args ...string) (*proc, string) {
	t.Helper()
	p := startProc(t, m8fx, baseEnv(), append([]string{"dev-issuer", "-addr", "127.0.0.1:0", "-dir", dir}, args...)...)
	return p, p.waitFor(t, devIssuerServing, 30*time.Second)
}

// runM8fx runs the CLI to completion and returns its stdout; a non-zero
// exit fails the test.
func runM8fx(t *testing.T, m8fx string, args ...string) string {
	t.Helper()
	cmd := exec.Command(m8fx, args...)
	cmd.Env = baseEnv()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("m8fx %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// devIssuerEnvFile writes `m8fx dev-issuer env` for the issuer at baseURL
// (state dir) to a file and returns its path.
func devIssuerEnvFile(t *testing.T, m8fx, dir, baseURL string) string {
	t.Helper()
	hostport := strings.TrimPrefix(strings.TrimSuffix(baseURL, "/user"), "http://")
	path := filepath.Join(t.TempDir(), "dev.env")
	if err := os.WriteFile(path, []byte(runM8fx(t, m8fx, "dev-issuer", "env", "-dir", dir, "-addr", hostport)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startItemsvc starts the itemsvc binary with env (on a free port); see
// [proc.ready].
func startItemsvc(t *testing.T, bin string, env ...string) *proc {
	t.Helper()
	return startProc(t, bin, baseEnv(append([]string{"HTTP_ADDR=127.0.0.1:0", "LOG_LEVEL=info"}, env...)...))
}

// ready waits until a started itemsvc is ready and returns its base URL.
func (p *proc) ready(t *testing.T) string {
	t.Helper()
	addr := p.waitFor(t, listeningAddr, 60*time.Second)
	p.waitFor(t, serviceReady, 60*time.Second)
	return "http://" + addr
}

// startItemsvcProcess starts itemsvc and waits until it is ready.
func startItemsvcProcess(t *testing.T, bin string, env ...string) (*proc, string) {
	t.Helper()
	p := startItemsvc(t, bin, env...)
	return p, p.ready(t)
}

// get sends a request with a bearer token and returns the status.
func get(t *testing.T, method, url, token string, body io.Reader) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

// eventually polls check every 20 ms until it returns true, and returns
// how long that took, failing after limit.
func eventually(t *testing.T, limit time.Duration, what string, check func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !check() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}
