package dbmod_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/settingsmod"
)

// closedPortDB is a DB of kind whose server address refuses connections,
// with specialPassword as its password.
func closedPortDB(t *testing.T, kind string, log *zap.Logger) (*dbmod.DB, string) {
	t.Helper()
	addr := closedPort(t)
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	cfg, err := dbmod.ConfigFromSettings(&settingsmod.Settings{SelectedDB: kind, DBHost: host, DBPort: p,
		DBDatabase: "app", DBUser: "app", DBPassword: specialPassword, DBConnectTimeoutSeconds: 1})
	if err != nil {
		t.Fatal(err)
	}
	db, err := dbmod.New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, addr
}

// TestWaitReadyClosedPort: against a port where nothing listens, WaitReady
// retries until its deadline, logs each attempt, and fails with one clear
// line naming host:port, never the password.
func TestWaitReadyClosedPort(t *testing.T) {
	for _, kind := range serverKinds() { // no server needed: the port is closed
		t.Run(kind, func(t *testing.T) {
			core, logs := observer.New(zapcore.InfoLevel)
			db, addr := closedPortDB(t, kind, zap.New(core))
			err := db.WaitReady(context.Background(), dbmod.WaitPolicy{
				Deadline: time.Second, Interval: 50 * time.Millisecond, MaxInterval: 200 * time.Millisecond,
				PerAttemptTimeout: 500 * time.Millisecond,
			})
			var nr *dbmod.NotReadyError
			if !errors.As(err, &nr) || !errors.Is(err, dbmod.ErrNotReady) {
				t.Fatalf("want a *NotReadyError, got %v", err)
			}
			msg := err.Error()
			for _, want := range []string{"database " + addr + "/app not ready", "deadline 1s passed", "refused"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q lacks %q", msg, want)
				}
			}
			if strings.Contains(msg, "\n") || nr.Attempts < 2 {
				t.Errorf("want one line after several attempts, got %d attempts: %q", nr.Attempts, msg)
			}
			retries := logs.FilterMessage("database not ready, retrying").All()
			if len(retries) < nr.Attempts-1 || len(retries) > nr.Attempts {
				t.Errorf("%d retry log entries for %d attempts", len(retries), nr.Attempts)
			}
			for _, e := range logs.All() {
				if strings.Contains(fmt.Sprint(e.Message, e.ContextMap()), "w/rd") {
					t.Fatalf("log shows the password: %v", e.ContextMap())
				}
			}
			if strings.Contains(msg, "w/rd") || strings.Contains(msg, "p@ss") {
				t.Fatalf("error shows the password: %s", msg)
			}
		})
	}
}

func TestWaitReadyPolicies(t *testing.T) {
	db, _ := closedPortDB(t, "Postgres", nil)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name     string
		ctx      context.Context
		policy   dbmod.WaitPolicy
		attempts int
		reason   string
	}{
		{"attempts", context.Background(), dbmod.WaitPolicy{Attempts: 3, Interval: time.Millisecond}, 3, "attempt limit 3 reached"},
		{"one attempt", context.Background(), dbmod.WaitPolicy{Attempts: 1}, 1, "attempt limit 1 reached"},
		{"canceled", canceled, dbmod.WaitPolicy{Attempts: 5, Interval: time.Millisecond}, 1, "canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var nr *dbmod.NotReadyError
			if err := db.WaitReady(tt.ctx, tt.policy); !errors.As(err, &nr) {
				t.Fatalf("want *NotReadyError, got %v", err)
			}
			if nr.Attempts != tt.attempts || nr.Reason != tt.reason {
				t.Fatalf("attempts %d reason %q, want %d %q", nr.Attempts, nr.Reason, tt.attempts, tt.reason)
			}
		})
	}
	if err := db.WaitReady(context.Background(), dbmod.WaitPolicy{}); err == nil || !strings.Contains(err.Error(), "needs") {
		t.Fatalf("unbounded policy: %v", err)
	}
}

// TestWaitReadyUntilServerAppears: the server becomes reachable after the
// first attempts failed; WaitReady returns nil once it answers.
func TestWaitReadyUntilServerAppears(t *testing.T) {
	eachServer(t, func(t *testing.T, kind, dsn string) {
		proxy, viaProxy := fxtest_helpers.ProxyDatabase(t, kind, dsn)
		proxy.Refuse()
		cfg, err := dbmod.ConfigFromSettings(serverSettings(kind, viaProxy, "unused"))
		if err != nil {
			t.Fatal(err)
		}
		core, logs := observer.New(zapcore.InfoLevel)
		db, _ := dbmod.New(cfg, zap.New(core))
		defer db.Close()
		done := make(chan error, 1)
		go func() {
			done <- db.WaitReady(context.Background(), dbmod.WaitPolicy{Deadline: 30 * time.Second, Interval: 20 * time.Millisecond, PerAttemptTimeout: 5 * time.Second})
		}()
		for logs.FilterMessage("database not ready, retrying").Len() < 2 {
			time.Sleep(10 * time.Millisecond)
		}
		proxy.Resume()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if logs.FilterMessage("database ready").Len() != 1 {
			t.Fatal("no 'database ready' entry")
		}
	})
}

// TestPackageWaitReady: the package-level function works on any Querier.
func TestPackageWaitReady(t *testing.T) {
	db := startSqlite(t, ":memory:")
	if err := dbmod.WaitReady(context.Background(), db.SQL(), dbmod.WaitPolicy{Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	if err := dbmod.WaitReady(context.Background(), db.Bun(), dbmod.WaitPolicy{Attempts: 1}); err != nil {
		t.Fatal(err)
	}
}
