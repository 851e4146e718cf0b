package httpmod

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/m8fx/kit/settingsmod"
)

// Server runs an http.Server with a synchronous listen and a graceful stop.
// It is what the fx module drives from OnStart/OnStop, and it is usable on its
// own:
//
//	srv := httpmod.NewServer(httpmod.ServerConfig{Addr: ":8000"}, engine, logger)
//	if err := srv.Start(ctx); err != nil { ... } // address in use fails here
//	defer srv.Stop(ctx)
type Server struct {
	http *http.Server
	log  *zap.Logger

	mu       sync.Mutex
	addr     net.Addr
	ln       net.Listener
	done     chan struct{}
	serveErr error
	onError  func(error)
}

// ServerConfig is what a [Server] listens on and how long it waits; zero
// durations mean no limit, as in net/http.
type ServerConfig struct {
	Addr              string        // HTTP_ADDR
	ReadHeaderTimeout time.Duration // HTTP_READ_HEADER_TIMEOUT_SECONDS
	ReadTimeout       time.Duration // HTTP_READ_TIMEOUT_SECONDS
	WriteTimeout      time.Duration // HTTP_WRITE_TIMEOUT_SECONDS
	IdleTimeout       time.Duration // HTTP_IDLE_TIMEOUT_SECONDS
	MaxHeaderBytes    int           // HTTP_MAX_HEADER_BYTES
}

// ServerConfigFromSettings reads the HTTP_* settings.
func ServerConfigFromSettings(s *settingsmod.Settings) ServerConfig {
	return ServerConfig{
		Addr:              s.HTTPAddr,
		ReadHeaderTimeout: s.HTTPReadHeaderTimeout(),
		ReadTimeout:       s.HTTPReadTimeout(),
		WriteTimeout:      s.HTTPWriteTimeout(),
		IdleTimeout:       s.HTTPIdleTimeout(),
		MaxHeaderBytes:    s.HTTPMaxHeaderBytes,
	}
}

// NewServer configures an http.Server for handler. log may be nil.
func NewServer(cfg ServerConfig, handler http.Handler, log *zap.Logger) *Server {
	if log == nil {
		log = zap.NewNop()
	}
	return &Server{
		http: &http.Server{
			Addr:              cfg.Addr,
			Handler:           handler,
			ReadHeaderTimeout: cfg.ReadHeaderTimeout,
			ReadTimeout:       cfg.ReadTimeout,
			WriteTimeout:      cfg.WriteTimeout,
			IdleTimeout:       cfg.IdleTimeout,
			MaxHeaderBytes:    cfg.MaxHeaderBytes,
			ErrorLog:          zap.NewStdLog(log.Named("http.server")),
		},
		log: log,
	}
}

// OnServeError sets a callback run when serving stops with an error after a
// successful Start. The fx module uses it to shut the app down with a
// non-zero exit code.
func (s *Server) OnServeError(fn func(error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onError = fn
}

// Start listens on the configured address synchronously, so that an address
// already in use fails here with a clear error, then serves in a goroutine.
func (s *Server) Start(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.http.Addr)
	if err != nil {
		return fmt.Errorf("httpmod: cannot listen on HTTP_ADDR %q: %w", s.http.Addr, err)
	}
	s.mu.Lock()
	s.addr = ln.Addr()
	s.ln = ln
	s.done = make(chan struct{})
	s.mu.Unlock()
	s.log.Info("http server listening", zap.String("addr", ln.Addr().String()))
	go s.serve(ln)
	return nil
}

func (s *Server) serve(ln net.Listener) {
	err := s.http.Serve(ln)
	s.mu.Lock()
	defer s.mu.Unlock()
	defer close(s.done)
	if errors.Is(err, http.ErrServerClosed) {
		return
	}
	s.serveErr = err
	s.log.Error("http server stopped serving", zap.Error(err))
	if s.onError != nil {
		go s.onError(err)
	}
}

// Addr is the address the server listens on once started (useful with port 0),
// or nil before Start.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Stop shuts the server down gracefully: it stops accepting connections and
// waits for in-flight requests to finish, up to ctx's deadline, after which
// remaining connections are closed.
func (s *Server) Stop(ctx context.Context) error {
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	if done == nil {
		return nil
	}
	err := s.http.Shutdown(ctx)
	if err != nil {
		_ = s.http.Close()
		err = fmt.Errorf("httpmod: graceful shutdown: %w", err)
	}
	<-done
	s.log.Info("http server stopped")
	return err
}
