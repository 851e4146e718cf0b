package fxtest_helpers_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/m8fx/kit/fxtest_helpers"
)

// echoServer answers each line with the same line until the test ends.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if _, err := c.Write([]byte(line)); err != nil {
						return
					}
				}
			})
		}
	})
	return ln.Addr().String()
}

func TestTCPProxyPauseRefuseResume(t *testing.T) {
	proxy := fxtest_helpers.NewTCPProxy(t, echoServer(t))
	conn, err := net.Dial("tcp", proxy.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	roundTrip := func(msg string) (string, error) {
		if _, err := conn.Write([]byte(msg + "\n")); err != nil {
			return "", err
		}
		_ = conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		return r.ReadString('\n')
	}
	if got, err := roundTrip("hello"); err != nil || got != "hello\n" {
		t.Fatalf("forwarding: %q %v", got, err)
	}

	proxy.Pause()
	if _, err := roundTrip("held"); err == nil {
		t.Fatal("a paused proxy delivered an answer")
	}
	proxy.Resume()
	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	if got, err := r.ReadString('\n'); err != nil || got != "held\n" {
		t.Fatalf("what the pause held was not delivered on resume: %q %v", got, err)
	}

	proxy.Refuse()
	if c, err := net.DialTimeout("tcp", proxy.Addr(), time.Second); err == nil {
		c.Close()
		t.Fatal("a refusing proxy accepted a connection")
	}
	proxy.Resume()
	again, err := net.Dial("tcp", proxy.Addr())
	if err != nil {
		t.Fatalf("after resume: %v", err)
	}
	defer again.Close()
	if _, err := again.Write([]byte("back\n")); err != nil {
		t.Fatal(err)
	}
	_ = again.SetReadDeadline(time.Now().Add(2 * time.Second))
	if got, err := bufio.NewReader(again).ReadString('\n'); err != nil || got != "back\n" {
		t.Fatalf("after resume: %q %v", got, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	conn.Close()
	again.Close()
	if err := proxy.Drain(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestProxyDatabaseRewritesTheDSN(t *testing.T) {
	tests := []struct {
		kind, dsn string
		keep      []string // parts of the DSN that must survive
		gone      string   // the server address that must not
	}{
		{"Postgres", "postgres://app:secret@db.example:6543/items?sslmode=disable", []string{"postgres://app:secret@127.0.0.1:", "/items?sslmode=disable"}, "db.example:6543"},
		{"Postgres", "postgres://app@db.example/items", []string{"postgres://app@127.0.0.1:", "/items"}, "db.example"},
		{"Mysql", "root:pw@tcp(db.example:3307)/items?parseTime=true", []string{"root:pw@tcp(127.0.0.1:", ")/items?", "parseTime=true"}, "db.example"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.dsn, func(t *testing.T) {
			proxy, got := fxtest_helpers.ProxyDatabase(t, tt.kind, tt.dsn)
			if !strings.Contains(got, proxy.Addr()) || strings.Contains(got, tt.gone) {
				t.Fatalf("DSN %q does not point at the proxy %s", got, proxy.Addr())
			}
			for _, k := range tt.keep {
				if !strings.Contains(got, k) {
					t.Errorf("DSN %q lost %q", got, k)
				}
			}
		})
	}
}
