package fxtest_helpers

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"sync"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
)

// TCPProxy forwards a local port to a server (a database, say) and plays
// its outages without touching the server, which other tests use:
//
//   - Pause: the network goes silent. Connections are accepted and bytes
//     are read, but nothing is delivered either way (nor the end of a
//     connection) until Resume, which delivers everything that was held,
//     in order, like TCP retransmissions after a partition heals. A write
//     the client gave up on still reaches the server then: the phantom
//     write that a request deadline must not leave behind.
//   - Refuse: the server is down. The listener is closed (connecting is
//     refused) and every connection is cut.
//   - Resume: back to forwarding (listening again on the same port).
//
// Close stops everything and waits for every goroutine.
type TCPProxy struct {
	t      testing.TB
	target string
	addr   string

	mu     sync.Mutex
	cond   *sync.Cond // signalled when paused or closed change
	ln     net.Listener
	paused bool
	closed bool
	conns  map[*proxiedConn]bool
	wg     sync.WaitGroup
}

// proxiedConn is one forwarded connection; done is closed when both
// directions have ended.
type proxiedConn struct {
	client, server net.Conn
	done           chan struct{}
}

// NewTCPProxy starts a proxy to target (host:port) on a free loopback port;
// it is closed when the test ends.
func NewTCPProxy(t testing.TB, target string) *TCPProxy {
	t.Helper()
	p := &TCPProxy{t: t, target: target, addr: "127.0.0.1:0", conns: map[*proxiedConn]bool{}}
	p.cond = sync.NewCond(&p.mu)
	p.listen()
	t.Cleanup(p.Close)
	return p
}

// Addr is the proxy's host:port.
func (p *TCPProxy) Addr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.addr
}

func (p *TCPProxy) listen() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("proxy: listen on %s: %v", p.addr, err)
	}
	p.ln, p.addr = ln, ln.Addr().String()
	p.wg.Go(func() { p.accept(ln) })
}

func (p *TCPProxy) accept(ln net.Listener) {
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
		pc := &proxiedConn{client: client, server: server, done: make(chan struct{})}
		p.mu.Lock()
		if p.closed || p.ln != ln { // refused or closed meanwhile
			p.mu.Unlock()
			_ = client.Close()
			_ = server.Close()
			continue
		}
		p.conns[pc] = true
		p.mu.Unlock()
		var both sync.WaitGroup
		both.Go(func() { p.pipe(server, client) })
		both.Go(func() { p.pipe(client, server) })
		p.wg.Go(func() {
			both.Wait()
			_ = client.Close()
			_ = server.Close()
			p.mu.Lock()
			delete(p.conns, pc)
			p.mu.Unlock()
			close(pc.done)
		})
	}
}

// pipe copies src to dst; while the proxy is paused what it reads is held,
// and so is the end of src (delivered as a half close).
func (p *TCPProxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.waitForwarding() {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				_ = src.Close()
				return
			}
		}
		if err != nil {
			break
		}
	}
	if p.waitForwarding() {
		_ = dst.(*net.TCPConn).CloseWrite()
	}
}

// waitForwarding blocks while the proxy is paused; false once it is closed.
func (p *TCPProxy) waitForwarding() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.paused && !p.closed {
		p.cond.Wait()
	}
	return !p.closed
}

// Pause makes the database silent.
func (p *TCPProxy) Pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused = true
}

// Refuse makes the server refuse connections and cuts the open ones.
func (p *TCPProxy) Refuse() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cutLocked()
}

// cutLocked closes the listener and every forwarded connection.
func (p *TCPProxy) cutLocked() {
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for pc := range p.conns {
		_ = pc.client.Close()
		_ = pc.server.Close()
	}
}

// Resume forwards again: what a pause held is delivered, a refusal ends.
func (p *TCPProxy) Resume() {
	p.mu.Lock()
	refused := p.ln == nil
	p.paused = false
	p.cond.Broadcast()
	p.mu.Unlock()
	if refused {
		p.listen()
	}
}

// Drain waits until every connection has ended on both sides: the server
// has then read, and acted on, every byte it will ever get.
func (p *TCPProxy) Drain(ctx context.Context) error {
	p.mu.Lock()
	var pending []*proxiedConn
	for pc := range p.conns {
		pending = append(pending, pc)
	}
	p.mu.Unlock()
	for _, pc := range pending {
		select {
		case <-pc.done:
		case <-ctx.Done():
			return fmt.Errorf("proxy: a connection is still open: %w", ctx.Err())
		}
	}
	return nil
}

// Close stops the proxy and waits for its goroutines.
func (p *TCPProxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.cond.Broadcast()
	p.cutLocked()
	p.mu.Unlock()
	p.wg.Wait()
}

// ProxyDatabase starts a [TCPProxy] in front of the server of a test DSN
// (selectedDB "Postgres" or "Mysql", as for [WithDatabase]) and returns it
// with the DSN rewritten to go through it, so that a test can play the
// server's outages without touching the server.
//
//	proxy, viaProxy := fxtest_helpers.ProxyDatabase(t, "Postgres", fxtest_helpers.DatabaseDSN(t, "Postgres"))
//	app := fxtest_helpers.New(t, fxtest_helpers.WithDatabase("Postgres", viaProxy))
//	proxy.Pause()
func ProxyDatabase(t testing.TB, selectedDB, dsn string) (*TCPProxy, string) {
	t.Helper()
	switch selectedDB {
	case "Postgres":
		pc, err := pgx.ParseConfig(dsn) // the server, with pgx's default port
		if err != nil {
			t.Fatalf("fxtest_helpers: %s: %v", PostgresDSNEnv, err)
		}
		u, err := url.Parse(dsn)
		if err != nil || u.Host == "" {
			t.Fatalf("fxtest_helpers: %s: want a postgres:// URL with a host (%v)", PostgresDSNEnv, err)
		}
		proxy := NewTCPProxy(t, net.JoinHostPort(pc.Host, strconv.Itoa(int(pc.Port))))
		u.Host = proxy.Addr()
		return proxy, u.String()
	case "Mysql":
		mc, err := mysql.ParseDSN(dsn)
		if err != nil {
			t.Fatalf("fxtest_helpers: %s: %v", MysqlDSNEnv, err)
		}
		proxy := NewTCPProxy(t, mc.Addr)
		mc.Addr = proxy.Addr()
		return proxy, mc.FormatDSN()
	}
	t.Fatalf("fxtest_helpers: ProxyDatabase(%q): want Postgres or Mysql", selectedDB)
	return nil, ""
}
