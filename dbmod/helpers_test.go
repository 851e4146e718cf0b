package dbmod_test

import (
	"context"
	"io"
	"net"
	"net/url"
	"strconv"
	"sync"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/settingsmod"
)

// servers are the real engines the tests run against (DSNs from
// M8FX_TEST_POSTGRES_DSN / M8FX_TEST_MYSQL_DSN).
var servers = []string{"Postgres", "Mysql"}

// eachServer runs fn as a subtest per server, skipped (or failed under
// M8FX_REQUIRE_DB=1) when the server's DSN is unset.
func eachServer(t *testing.T, fn func(t *testing.T, kind, dsn string)) {
	for _, kind := range servers {
		t.Run(kind, func(t *testing.T) {
			fn(t, kind, fxtest_helpers.DatabaseDSN(t, kind))
		})
	}
}

// startDB starts a standalone DB from settings and closes it at cleanup.
func startDB(t *testing.T, s *settingsmod.Settings) *dbmod.DB {
	t.Helper()
	cfg, err := dbmod.ConfigFromSettings(s)
	if err != nil {
		t.Fatal(err)
	}
	db, err := dbmod.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// serverSettings are settings for DATABASE_URL=dsn with a table prefix.
func serverSettings(kind, dsn, prefix string) *settingsmod.Settings {
	return &settingsmod.Settings{SelectedDB: kind, DatabaseURL: settingsmod.Secret(dsn), TablesPrefix: prefix,
		DBMaxOpenConns: 5, DBMaxIdleConns: 2, DBConnectTimeoutSeconds: 5}
}

// serverAddr is where a test DSN points.
type serverAddr struct {
	host     string
	port     int
	database string
}

func parseServer(t *testing.T, kind, dsn string) serverAddr {
	t.Helper()
	if kind == "Postgres" {
		pc, err := pgx.ParseConfig(dsn)
		if err != nil {
			t.Fatal(err)
		}
		return serverAddr{pc.Host, int(pc.Port), pc.Database}
	}
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	host, port, err := net.SplitHostPort(mc.Addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return serverAddr{host, p, mc.DBName}
}

// withAddr returns dsn pointing at addr (host:port) instead of its server.
func withAddr(t *testing.T, kind, dsn, addr string) string {
	t.Helper()
	if kind == "Postgres" {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		u.Host = addr
		return u.String()
	}
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	mc.Addr = addr
	return mc.FormatDSN()
}

// closedPort returns a local address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// tcpProxy forwards a local port to a database server. Stop makes the
// database unreachable through it (closing the listener and every forwarded
// connection) without touching the real server, which other tests use;
// Start listens on the same port again.
type tcpProxy struct {
	t      *testing.T
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	p := &tcpProxy{t: t, target: target, addr: "127.0.0.1:0", conns: map[net.Conn]bool{}}
	p.Start()
	t.Cleanup(p.Stop)
	return p
}

// Addr is the proxy's host:port.
func (p *tcpProxy) Addr() string { return p.addr }

func (p *tcpProxy) Start() {
	p.t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("proxy listen on %s: %v", p.addr, err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	p.wg.Go(func() { p.accept(ln) })
}

func (p *tcpProxy) accept(ln net.Listener) {
	for {
		client, err := ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = client.Close()
			continue
		}
		p.mu.Lock()
		if p.ln != ln { // stopped meanwhile
			p.mu.Unlock()
			_ = client.Close()
			_ = server.Close()
			return
		}
		p.conns[client], p.conns[server] = true, true
		p.mu.Unlock()
		pipe := func(dst, src net.Conn) {
			_, _ = io.Copy(dst, src)
			_ = dst.Close()
			_ = src.Close()
		}
		p.wg.Go(func() { pipe(server, client) })
		p.wg.Go(func() { pipe(client, server) })
	}
}

// Stop closes the listener and every connection, and waits for the
// forwarding goroutines.
func (p *tcpProxy) Stop() {
	p.mu.Lock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
		delete(p.conns, c)
	}
	p.mu.Unlock()
	p.wg.Wait()
}
