package httpmod

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/settingsmod"
)

func testSettings() *settingsmod.Settings {
	return &settingsmod.Settings{
		Environment:                  "local",
		ProjectName:                  "test",
		APIPrefix:                    "/api",
		HTTPAddr:                     "127.0.0.1:0",
		HTTPReadHeaderTimeoutSeconds: 5,
		HTTPReadTimeoutSeconds:       30,
		HTTPWriteTimeoutSeconds:      30,
		HTTPIdleTimeoutSeconds:       120,
		HTTPMaxHeaderBytes:           65536,
	}
}

// newTestEngine builds an engine with an observed logger.
func newTestEngine(t *testing.T, p EngineParams) (*gin.Engine, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	if p.Settings == nil {
		p.Settings = testSettings()
	}
	p.Logger = zap.New(core)
	e, err := NewEngine(p)
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	return e, logs
}

func serve(h http.Handler, method, path string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func routes(fn func(r *Router)) []Routes { return []Routes{RoutesFunc(fn)} }
