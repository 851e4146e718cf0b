package m8fx

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/settingsmod"
)

func validEnv() map[string]string {
	return map[string]string{
		"ENVIRONMENT":             "local",
		"DOMAIN":                  "localhost",
		"PROJECT_NAME":            "run test",
		"STACK_NAME":              "test",
		"API_PREFIX":              "/api",
		"BACKEND_HOST":            "http://localhost:8000",
		"FRONTEND_HOST":           "http://localhost:3000",
		"TOKEN_MODE":              "stateless",
		"ACCESS_TOKEN_ALGORITHM":  "HS256",
		"ACCESS_SECRET_KEY":       "run-test-secret-0123456789abcdef0123",
		"TOKEN_STRICT_VALIDATION": "false",
		"EVENT_SIGNING_ENABLED":   "false",
		"HTTP_ADDR":               "127.0.0.1:0",
		"LOG_LEVEL":               "error",
	}
}

func appOptions(env map[string]string, extra ...fx.Option) []fx.Option {
	return append([]fx.Option{Module, fx.Replace(settingsmod.MapSource(env)), fx.NopLogger}, extra...)
}

func TestRunExitCodes(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()

	badSettings := validEnv()
	delete(badSettings, "DOMAIN")
	badSettings["TOKEN_MODE"] = "sometimes"
	busy := validEnv()
	busy["HTTP_ADDR"] = taken.Addr().String()

	shutdownWith := func(code int) fx.Option {
		return fx.Invoke(func(lc fx.Lifecycle, sd fx.Shutdowner) {
			lc.Append(fx.StartHook(func() { go func() { _ = sd.Shutdown(fx.ExitCode(code)) }() }))
		})
	}
	tests := []struct {
		name    string
		opts    []fx.Option
		code    int
		stderr  []string
		noPrint bool
	}{
		{"clean stop", appOptions(validEnv(), shutdownWith(0)), 0, nil, true},
		{"shutdown code kept", appOptions(validEnv(), shutdownWith(3)), 3, nil, true},
		{"bad settings", appOptions(badSettings), 1, []string{"m8fx: cannot build the app:", "DOMAIN", "TOKEN_MODE"}, false},
		{"missing dependency", appOptions(validEnv(), fx.Invoke(func(*bytes.Reader) {})), 1, []string{"m8fx: cannot build the app:", "*bytes.Reader"}, false},
		{"listen failure", appOptions(busy), 1, []string{"m8fx: cannot start:", "HTTP_ADDR", "address already in use"}, false},
		{"failed validator", appOptions(validEnv(), AsStartupValidator(func(context.Context) error { return errors.New("schema missing") })), 1,
			[]string{"m8fx: cannot start:", "schema missing"}, false},
		{"panicking invoke", appOptions(validEnv(), fx.Invoke(func() { panic("exploded") })), 1,
			[]string{"m8fx: cannot build the app: ", "run_test.go", ") panicked: exploded"}, false},
		{"panicking constructor", appOptions(validEnv(), fx.Provide(func() *bytes.Reader { panic(errors.New("exploded")) }), fx.Invoke(func(*bytes.Reader) {})), 1,
			[]string{"m8fx: cannot build the app: ", "run_test.go", ") panicked: exploded"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(&stderr, tt.opts...)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d (stderr %q)", code, tt.code, stderr.String())
			}
			out := stderr.String()
			if tt.noPrint && out != "" {
				t.Fatalf("unexpected stderr %q", out)
			}
			// One line (a settings error joins its problems), without dig's
			// wrapping or fx's "panic:" text.
			if !tt.noPrint && (strings.Count(out, "m8fx:") != 1 || !strings.HasPrefix(out, "m8fx: ") ||
				strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") ||
				strings.Contains(out, "could not build arguments") || strings.Contains(out, "panic:")) {
				t.Fatalf("stderr is not one clear line: %q", out)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(out, want) {
					t.Errorf("stderr %q lacks %q", out, want)
				}
			}
		})
	}
}

// TestRunStopsOnSIGTERM: SIGTERM stops the app cleanly with exit code 0.
func TestRunStopsOnSIGTERM(t *testing.T) {
	readyCh := make(chan *healthmod.Readiness, 1)
	done := make(chan int, 1)
	var stderr bytes.Buffer
	grab := fx.Invoke(func(r *healthmod.Readiness) { readyCh <- r })
	go func() { done <- run(&stderr, appOptions(validEnv(), grab)...) }()

	ready := <-readyCh
	deadline := time.Now().Add(10 * time.Second)
	for !ready.Ready() {
		if time.Now().After(deadline) {
			t.Fatal("app never became ready")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Signals are subscribed before start, so the signal cannot be lost.
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d after SIGTERM (stderr %q)", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("app did not stop on SIGTERM")
	}
}

func TestOneLine(t *testing.T) {
	tests := []struct {
		name, msg, want string
	}{
		{"one line", "missing type: *bytes.Reader", "missing type: *bytes.Reader"},
		{"settings problems", "invalid settings (2 problems):\n  - API_PREFIX: must start with \"/\"\n  - DOMAIN: is required",
			`invalid settings (2 problems): API_PREFIX: must start with "/"; DOMAIN: is required`},
		{"joined errors", "a failed\nb failed\n", "a failed; b failed"},
		{"blank lines and indentation", "first\n\n\t second \n", "first; second"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := oneLine(errors.New(tt.msg)); got != tt.want {
				t.Errorf("oneLine(%q) = %q, want %q", tt.msg, got, tt.want)
			}
		})
	}
}

// bootfailEnv is a valid environment for testdata/bootfail, whose settings
// come from the process environment.
func bootfailEnv(level string, extra ...string) []string {
	env := []string{"LOG_LEVEL=" + level}
	for k, v := range validEnv() {
		if k != "LOG_LEVEL" {
			env = append(env, k+"="+v)
		}
	}
	return append(env, extra...)
}

// buildBinary builds the main package pkg into a temporary directory.
func buildBinary(t *testing.T, pkg string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), filepath.Base(pkg))
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// runBinary runs bin with exactly env in dir and returns its exit code and
// stderr.
func runBinary(t *testing.T, bin, dir string, env []string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir, cmd.Env = dir, env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running %s: %v", bin, err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// consoleLogEntry is the start of a console log entry (time, level).
var consoleLogEntry = regexp.MustCompile(`^\d{4}-\d\d-\d\dT[0-9:.]+Z\t(DEBUG|INFO|WARN|ERROR)\t`)

// TestRunBinaryBootFailures: a service binary that fails its boot exits 1
// and prints one line on stderr: no panic, no goroutine dump, no fx event
// with a stack, no log entry repeating the error. At LOG_LEVEL=info the
// service's own progress lines (INFO: "http server listening", ...) come
// before it, and nothing at WARN or ERROR; at debug every other line is a
// log entry (fx's events, one line each).
func TestRunBinaryBootFailures(t *testing.T) {
	bin := buildBinary(t, "./testdata/bootfail")
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()

	tests := []struct {
		name string
		mode string
		env  []string
		want []string // in the line
	}{
		{"bad setting", "ok", []string{"API_PREFIX=api"},
			[]string{"m8fx: cannot build the app: invalid settings (1 problem): API_PREFIX: must start with"}},
		{"two bad settings", "ok", []string{"API_PREFIX=api", "DOMAIN="},
			[]string{"m8fx: cannot build the app: invalid settings (2 problems): API_PREFIX: ", "; DOMAIN: "}},
		{"missing type", "missing-type", nil, []string{"m8fx: cannot build the app: missing type: *bytes.Reader"}},
		{"failed startup validator", "failed-validator", nil,
			[]string{"m8fx: cannot start: startup validator 1 of 1 failed: checking the schema: table items missing"}},
		{"guard naming an unknown role", "unknown-role", nil,
			[]string{"m8fx: cannot build the app: ", "editor"}},
		{"typed route guard naming an unknown role", "bad-guard-typed", nil,
			[]string{"m8fx: cannot build the app: ", "editor"}},
		{"constructor panic", "constructor-panic", nil,
			[]string{"m8fx: cannot build the app: ", "bootfail/main.go:", ") panicked: constructor exploded"}},
		{"listen failure", "ok", []string{"HTTP_ADDR=" + taken.Addr().String()},
			[]string{"m8fx: cannot start: httpmod: cannot listen on HTTP_ADDR", "address already in use"}},
	}
	for _, tt := range tests {
		for _, level := range []string{"warn", "info", "debug"} {
			t.Run(tt.name+"/"+level, func(t *testing.T) {
				code, stderr := runBinary(t, bin, t.TempDir(), bootfailEnv(level, tt.env...), tt.mode)
				if code != 1 {
					t.Fatalf("exit code %d, want 1; stderr:\n%s", code, stderr)
				}
				lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
				last := lines[len(lines)-1]
				for _, want := range tt.want {
					if !strings.Contains(last, want) {
						t.Errorf("last line %q lacks %q", last, want)
					}
				}
				before := lines[:len(lines)-1]
				switch level {
				case "warn":
					if len(before) != 0 {
						t.Errorf("%d lines before the error, want none:\n%s", len(before), stderr)
					}
				case "info":
					for _, l := range before {
						if m := consoleLogEntry.FindStringSubmatch(l); m == nil || m[1] != "INFO" {
							t.Errorf("line before the error is not an INFO entry: %q", l)
						}
					}
				case "debug":
					for _, l := range before {
						if !consoleLogEntry.MatchString(l) || strings.Contains(l, "\tERROR\t") || strings.Contains(l, "\tWARN\t") {
							t.Errorf("line before the error is not a DEBUG/INFO entry: %q", l)
						}
					}
				}
				if level != "debug" && (strings.Contains(stderr, "panic:") || strings.Contains(stderr, "goroutine ")) {
					t.Errorf("a panic or goroutine dump was printed:\n%s", stderr)
				}
			})
		}
	}
}
