package httpmod

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
)

func startServer(t *testing.T, s *Server) string {
	t.Helper()
	if err := s.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return "http://" + s.Addr().String()
}

func TestServerTimeoutsFromSettings(t *testing.T) {
	st := testSettings()
	st.HTTPReadHeaderTimeoutSeconds = 3
	st.HTTPReadTimeoutSeconds = 11
	st.HTTPWriteTimeoutSeconds = 13
	st.HTTPIdleTimeoutSeconds = 17
	st.HTTPMaxHeaderBytes = 8192
	h := NewServer(ServerConfigFromSettings(st), http.NotFoundHandler(), nil).http
	if h.ReadHeaderTimeout != 3*time.Second || h.ReadTimeout != 11*time.Second ||
		h.WriteTimeout != 13*time.Second || h.IdleTimeout != 17*time.Second || h.MaxHeaderBytes != 8192 {
		t.Fatalf("server limits = %v %v %v %v %d", h.ReadHeaderTimeout, h.ReadTimeout, h.WriteTimeout, h.IdleTimeout, h.MaxHeaderBytes)
	}
	if h.Addr != st.HTTPAddr {
		t.Fatalf("addr = %q", h.Addr)
	}
}

func TestServerServesAndStops(t *testing.T) {
	srv := NewServer(ServerConfigFromSettings(testSettings()), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "pong")
	}), zap.NewNop())
	url := startServer(t, srv)
	resp, err := http.Get(url + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if string(body) != "pong" {
		t.Fatalf("body = %q", body)
	}
	if err := srv.Stop(context.Background()); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if _, err := http.Get(url + "/"); err == nil {
		t.Fatal("server still answers after Stop")
	}
}

func TestServerAddressInUse(t *testing.T) {
	first := NewServer(ServerConfigFromSettings(testSettings()), http.NotFoundHandler(), nil)
	startServer(t, first)
	defer func() { _ = first.Stop(context.Background()) }()

	st := testSettings()
	st.HTTPAddr = first.Addr().String()
	second := NewServer(ServerConfigFromSettings(st), http.NotFoundHandler(), nil)
	err := second.Start(context.Background())
	if err == nil {
		_ = second.Stop(context.Background())
		t.Fatal("second Start on the same address succeeded")
	}
	if !strings.Contains(err.Error(), "HTTP_ADDR") || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("error not clear: %v", err)
	}
	if err := second.Stop(context.Background()); err != nil {
		t.Fatalf("Stop of a never-started server: %v", err)
	}
}

// TestServerGracefulStop: a request in flight when Stop is called completes
// successfully, and Stop waits for it.
func TestServerGracefulStop(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	e := gin.New()
	e.GET("/slow", func(c *gin.Context) {
		close(entered)
		<-release
		c.String(http.StatusOK, "done")
	})
	srv := NewServer(ServerConfigFromSettings(testSettings()), e, nil)
	url := startServer(t, srv)

	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get(url + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{resp.StatusCode, string(b), err}
	}()
	<-entered

	stopped := make(chan error, 1)
	go func() { stopped <- srv.Stop(context.Background()) }()
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned (%v) while a request was in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	r := <-got
	if r.err != nil || r.status != http.StatusOK || r.body != "done" {
		t.Fatalf("in-flight request: %+v", r)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("Stop: %v", err)
	}
}

func TestServerServeErrorCallback(t *testing.T) {
	srv := NewServer(ServerConfigFromSettings(testSettings()), http.NotFoundHandler(), nil)
	called := make(chan error, 1)
	srv.OnServeError(func(err error) { called <- err })
	startServer(t, srv)
	_ = srv.ln.Close() // the listener dies under the server
	select {
	case err := <-called:
		if err == nil || errors.Is(err, http.ErrServerClosed) {
			t.Fatalf("callback got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve error callback not called")
	}
	_ = srv.Stop(context.Background())
}
