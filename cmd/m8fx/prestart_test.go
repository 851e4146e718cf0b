package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/settingsmod"
)

const prestartPassword = `p@ss:w/rd%#?&=`

func prestart(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runPrestart(args, func() (settingsmod.Source, error) { return settingsmod.MapSource(env), nil }, &out, &errOut)
	return out.String(), errOut.String(), code
}

// lastLine is the final line of s (the one-line reason of a failure).
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestPrestartReady(t *testing.T) {
	tests := []struct {
		name string
		env  func(t *testing.T) map[string]string
	}{
		{"Sqlite", func(t *testing.T) map[string]string {
			return devEnv("SELECTED_DB", "Sqlite", "DB_DATABASE", ":memory:")
		}},
		{"Postgres", func(t *testing.T) map[string]string {
			return devEnv("SELECTED_DB", "Postgres", "DATABASE_URL", fxtest_helpers.DatabaseDSN(t, "Postgres"))
		}},
		{"Mysql", func(t *testing.T) map[string]string {
			return devEnv("SELECTED_DB", "Mysql", "DATABASE_URL", fxtest_helpers.DatabaseDSN(t, "Mysql"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := prestart(t, tt.env(t), "-attempts", "3", "-interval", "100ms")
			if code != 0 || !strings.Contains(stdout, "is ready") {
				t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
			}
		})
	}
}

// TestPrestartClosedPort: against a closed port prestart gives up at its
// limit with exit 1 and a one-line reason naming host:port, never the
// password, after logging each attempt.
func TestPrestartClosedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	host, port, _ := net.SplitHostPort(addr)
	for _, kind := range []string{"Postgres", "Mysql"} {
		env := devEnv("SELECTED_DB", kind, "DB_HOST", host, "DB_PORT", port, "DB_DATABASE", "app", "DB_USER", "app",
			"DB_PASSWORD", prestartPassword, "DB_CONNECT_TIMEOUT_SECONDS", "1")
		tests := []struct {
			name   string
			args   []string
			reason string
		}{
			{"attempts", []string{"-attempts", "3", "-interval", "50ms"}, "attempt limit 3 reached"},
			{"deadline", []string{"-attempts", "0", "-deadline", "1s", "-interval", "50ms", "-max-interval", "200ms"}, "deadline 1s passed"},
		}
		for _, tt := range tests {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				stdout, stderr, code := prestart(t, env, tt.args...)
				reason := lastLine(stderr)
				if code != 1 || stdout != "" || !strings.HasPrefix(reason, "m8fx prestart: dbmod: database "+addr+"/app not ready") ||
					!strings.Contains(reason, tt.reason) {
					t.Fatalf("exit %d, reason %q", code, reason)
				}
				if strings.Contains(stderr, "w/rd") || strings.Contains(stderr, "p@ss") {
					t.Fatalf("stderr shows the password:\n%s", stderr)
				}
				if strings.Count(stderr, "database not ready, retrying") < 2 {
					t.Fatalf("attempts not logged:\n%s", stderr)
				}
			})
		}
	}
}

func TestPrestartInvalidSettings(t *testing.T) {
	stdout, stderr, code := prestart(t, devEnv("SELECTED_DB", "Postgres", "DB_PASSWORD", prestartPassword))
	if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 ||
		!strings.HasPrefix(stderr, "m8fx prestart: invalid settings: DB_DATABASE:") || !strings.Contains(stderr, "DB_HOST") {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
	if strings.Contains(stderr, "w/rd") {
		t.Fatal("stderr shows the password")
	}
	if _, stderr, code := prestart(t, devEnv("SELECTED_DB", "Sqlite", "DB_DATABASE", ":memory:", "API_PREFIX", "nope")); code != 1 || !strings.Contains(stderr, "API_PREFIX") {
		t.Fatalf("kit settings not checked: %d %q", code, stderr)
	}
}

func TestPrestartFlags(t *testing.T) {
	env := devEnv("SELECTED_DB", "Sqlite", "DB_DATABASE", ":memory:")
	for _, args := range [][]string{{"-attempts", "-1"}, {"-attempts", "0"}, {"-interval", "x"}, {"extra"}, {"-nope"}} {
		if _, _, code := prestart(t, env, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"prestart", "-h"}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "-attempts") {
		t.Fatalf("prestart -h: %d %s", code, stderr.String())
	}
}
