package m8fx

import (
	"bytes"
	"context"
	"errors"
	"net"
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
			// One message: a single "m8fx:" headline (a settings error then
			// lists its problems, one per line), without dig's wrapping.
			if !tt.noPrint && (strings.Count(out, "m8fx:") != 1 || !strings.HasPrefix(out, "m8fx: ") ||
				strings.Contains(out, "could not build arguments")) {
				t.Fatalf("stderr is not one clear message: %q", out)
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
