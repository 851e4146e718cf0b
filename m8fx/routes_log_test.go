package m8fx

import (
	"net/http"
	"slices"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/settingsmod"
)

func TestLogRoutes(t *testing.T) {
	e := gin.New()
	e.GET("/api/items", func(*gin.Context) {})
	e.POST("/api/items", func(*gin.Context) {})
	e.Handle(http.MethodDelete, "/api/items/:id", func(*gin.Context) {})
	tests := []struct {
		level zapcore.Level
		want  int
	}{
		{zapcore.DebugLevel, 3},
		{zapcore.InfoLevel, 0},
	}
	for _, tt := range tests {
		t.Run(tt.level.String(), func(t *testing.T) {
			core, logs := observer.New(tt.level)
			logRoutes(e, zap.New(core))
			if logs.Len() != tt.want {
				t.Fatalf("%d entries, want %d: %v", logs.Len(), tt.want, logs.All())
			}
			var got []string
			for _, l := range logs.All() {
				f := l.ContextMap()
				if l.Message != "route" || l.Level != zapcore.DebugLevel || f["handler"] == "" {
					t.Errorf("entry %q %s %v", l.Message, l.Level, f)
				}
				got = append(got, f["method"].(string)+" "+f["path"].(string))
			}
			slices.Sort(got)
			if tt.want > 0 && !slices.Equal(got, []string{"DELETE /api/items/:id", "GET /api/items", "POST /api/items"}) {
				t.Errorf("routes %v", got)
			}
		})
	}
}

// TestLogRoutesInApp: invoked after the kit's modules (as m8fx.Module does),
// it lists the routes the modules attach in their own invokes (the docs)
// along with the engine's.
func TestLogRoutesInApp(t *testing.T) {
	env := validEnv()
	env["LOG_LEVEL"] = "debug"
	core, logs := observer.New(zapcore.DebugLevel)
	app := fx.New(Module, fx.NopLogger, fx.Replace(settingsmod.MapSource(env)),
		fx.Decorate(func() *zap.Logger { return zap.New(core) }),
		fx.Invoke(logRoutes))
	if err := app.Err(); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, l := range logs.FilterMessage("route").All() {
		paths = append(paths, l.ContextMap()["method"].(string)+" "+l.ContextMap()["path"].(string))
	}
	for _, want := range []string{"GET /api/health/live", "GET /api/openapi.json", "HEAD /api/health/live"} {
		if !slices.Contains(paths, want) {
			t.Errorf("route %q not logged (got %v)", want, paths)
		}
	}
}
