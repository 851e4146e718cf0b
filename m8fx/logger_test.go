package m8fx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/settingsmod"
)

func TestNewLogger(t *testing.T) {
	tests := []struct {
		env, format, level string
		wantDebug          bool
		wantErr            bool
	}{
		{env: "local", level: "debug", wantDebug: true},
		{env: "production", level: "info"},
		{env: "production", format: "console", level: "warn"},
		{env: "local", level: "loud", wantErr: true},
	}
	for _, tt := range tests {
		s := &settingsmod.Settings{Environment: tt.env, LogFormat: tt.format, LogLevel: tt.level, ProjectName: "svc"}
		l, err := NewLogger(LoggerConfigFromSettings(s))
		if tt.wantErr {
			if err == nil {
				t.Errorf("%+v: want error", tt)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%+v: %v", tt, err)
		}
		if got := l.Core().Enabled(zapcore.DebugLevel); got != tt.wantDebug {
			t.Errorf("%+v: debug enabled = %v", tt, got)
		}
	}
}

// stackError formats itself with a stack trace under %+v, as
// github.com/pkg/errors' errors do: zap would write that stack as the
// "errorVerbose" field.
type stackError struct{ msg string }

func (e stackError) Error() string { return e.msg }

func (e stackError) Format(s fmt.State, verb rune) {
	if verb == 'v' && s.Flag('+') {
		_, _ = fmt.Fprintf(s, "%s\ngoroutine 1 [running]:\nmain.handler()\n\t/src/main.go:12", e.msg)
		return
	}
	_, _ = fmt.Fprint(s, e.msg)
}

// consoleEntry is the start of a console log entry: time, level.
var consoleEntry = regexp.MustCompile(`^\d{4}-\d\d-\d\dT[0-9:.]+Z\t(DEBUG|INFO|WARN|ERROR)\t`)

type failInput struct{}
type failOutput struct{}

// failureEngine is the real engine (the kit's middleware and typed routes)
// logging to log, with a route per way a request can fail.
func failureEngine(t *testing.T, log *zap.Logger) *gin.Engine {
	t.Helper()
	s := &settingsmod.Settings{Environment: "local", APIPrefix: "/api"}
	e, err := httpmod.NewEngine(httpmod.EngineParams{Settings: s, Logger: log, Routes: []httpmod.Routes{
		httpmod.RoutesFunc(func(r *httpmod.Router) {
			httpmod.Route(r, http.MethodGet, "/error", func(context.Context, *failInput) (*failOutput, error) {
				return nil, fmt.Errorf("loading item 7: %w", errors.New("connection refused"))
			})
			httpmod.Route(r, http.MethodGet, "/stack-error", func(context.Context, *failInput) (*failOutput, error) {
				return nil, fmt.Errorf("loading item 7: %w", stackError{"connection refused"})
			})
			httpmod.Handle(r, http.MethodGet, "/panic", func(*gin.Context) { panic("nil map") })
		}),
	}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// failureLines are the ERROR entries a failed request leaves (the access
// log writes a 5xx at warn).
func failureLines(entries []map[string]any) []map[string]any {
	var out []map[string]any
	for _, e := range entries {
		if e["level"] == "error" || e["level"] == "ERROR" {
			out = append(out, e)
		}
	}
	return out
}

// TestFailedRequestOneLine: through the real engine and the service logger,
// a handler error is one ERROR line with request id, route, status and the
// error chain, and no stack trace (not even the one a %+v-formatting error
// carries); a panic is one ERROR line with its stack. Each entry, in JSON and
// console, is one line.
func TestFailedRequestOneLine(t *testing.T) {
	tests := []struct {
		path      string
		msg       string
		wantError string // the "error" field
		wantStack bool
	}{
		{"/api/error", "request failed", "loading item 7: connection refused", false},
		{"/api/stack-error", "request failed", "loading item 7: connection refused", false},
		{"/api/panic", "panic while serving request", "", true},
	}
	for _, format := range []string{"json", "console"} {
		for _, tt := range tests {
			t.Run(format+tt.path, func(t *testing.T) {
				var out bytes.Buffer
				s := &settingsmod.Settings{Environment: "local", LogFormat: format, LogLevel: "debug", ProjectName: "svc"}
				log, err := newLogger(LoggerConfigFromSettings(s), zapcore.AddSync(&out))
				if err != nil {
					t.Fatal(err)
				}
				req := httptest.NewRequest(http.MethodGet, tt.path, nil)
				req.Header.Set(httpmod.HeaderRequestID, "rid-1")
				rec := httptest.NewRecorder()
				failureEngine(t, log).ServeHTTP(rec, req)
				if rec.Code != http.StatusInternalServerError {
					t.Fatalf("status %d", rec.Code)
				}

				lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
				// The failure line and the access log line, nothing else.
				if len(lines) != 2 {
					t.Fatalf("%d lines, want 2 (failure and access log):\n%s", len(lines), out.String())
				}
				if strings.Contains(out.String(), "errorVerbose") || strings.Contains(out.String(), "stacktrace") {
					t.Fatalf("a stack trace was logged:\n%s", out.String())
				}
				if format == "console" {
					for _, l := range lines {
						if !consoleEntry.MatchString(l) {
							t.Errorf("not a console log entry: %q", l)
						}
					}
					if !strings.Contains(out.String(), "\t"+tt.msg+"\t") || !strings.Contains(out.String(), `"request_id": "rid-1"`) {
						t.Errorf("console output lacks the failure line:\n%s", out.String())
					}
					return
				}
				var entries []map[string]any
				for _, l := range lines {
					var e map[string]any
					if err := json.Unmarshal([]byte(l), &e); err != nil {
						t.Fatalf("line %q: %v", l, err)
					}
					entries = append(entries, e)
				}
				failures := failureLines(entries)
				if len(failures) != 1 {
					t.Fatalf("%d failure lines, want 1: %v", len(failures), failures)
				}
				f := failures[0]
				if f["level"] != "error" || f["msg"] != tt.msg || f["request_id"] != "rid-1" ||
					f["status"] != float64(500) || f["method"] != "GET" || f["route"] != tt.path {
					t.Errorf("failure line %v", f)
				}
				if tt.wantError != "" && f["error"] != tt.wantError {
					t.Errorf("error field %q, want the chain %q", f["error"], tt.wantError)
				}
				stack, _ := f["stack"].(string)
				if tt.wantStack != (stack != "") || (tt.wantStack && !strings.Contains(stack, "logger_test.go")) {
					t.Errorf("stack field %q, want a stack: %v", stack, tt.wantStack)
				}
			})
		}
	}
}

// TestServiceLoggerNoStacktrace: no level gets an entry stack trace.
func TestServiceLoggerNoStacktrace(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	log := newServiceLogger(core, LoggerConfig{Service: "svc", Environment: "production"})
	log.Error("failed", zap.Error(errors.New("x")))
	log.Warn("odd")
	log.DPanic("bug") // development mode is off: no panic
	for _, e := range logs.All() {
		if e.Stack != "" {
			t.Errorf("%s entry %q has a stack trace", e.Level, e.Message)
		}
		if f := e.ContextMap(); f["service"] != "svc" || f["environment"] != "production" {
			t.Errorf("entry %q fields %v", e.Message, f)
		}
	}
	if logs.Len() != 3 {
		t.Fatalf("%d entries", logs.Len())
	}
}

type nilPtrError struct{ msg string }

func (e *nilPtrError) Error() string { return e.msg }

type causesError struct{ errs []error }

func (e causesError) Error() string   { return "2 errors: a; b" }
func (e causesError) Errors() []error { return e.errs }

type panicError struct{}

func (panicError) Error() string { panic("broken Error method") }

// TestPlainErrorFields: error fields are written as their message only,
// whether given at the call or with With.
func TestPlainErrorFields(t *testing.T) {
	var nilPtr *nilPtrError
	tests := []struct {
		name string
		err  error
		want map[string]any
	}{
		{"plain", errors.New("boom"), map[string]any{"error": "boom"}},
		{"wrapped chain", fmt.Errorf("a: %w", fmt.Errorf("b: %w", errors.New("c"))), map[string]any{"error": "a: b: c"}},
		{"formatter with stack", stackError{"boom"}, map[string]any{"error": "boom"}},
		{"causes", causesError{[]error{errors.New("a"), errors.New("b")}}, map[string]any{"error": "2 errors: a; b"}},
		{"nil pointer", nilPtr, map[string]any{"error": "<nil>"}},
		{"Error panics", panicError{}, map[string]any{"errorError": "PANIC=broken Error method"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, with := range []bool{false, true} {
				var out bytes.Buffer
				log, err := newLogger(LoggerConfig{Level: "info"}, zapcore.AddSync(&out))
				if err != nil {
					t.Fatal(err)
				}
				if with {
					log.With(zap.Error(tt.err)).Error("failed")
				} else {
					log.Error("failed", zap.Error(tt.err))
				}
				var got map[string]any
				if err := json.Unmarshal(out.Bytes(), &got); err != nil {
					t.Fatalf("%q: %v", out.String(), err)
				}
				for k, v := range tt.want {
					if got[k] != v {
						t.Errorf("with=%v: %s = %v, want %v (entry %s)", with, k, got[k], v, out.String())
					}
				}
				for _, k := range []string{"errorVerbose", "errorCauses"} {
					if _, ok := got[k]; ok {
						t.Errorf("with=%v: %s written: %s", with, k, out.String())
					}
				}
			}
		})
	}
}
