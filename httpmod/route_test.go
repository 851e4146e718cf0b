package httpmod_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/httpmod"
)

type noteBody struct {
	Text  string   `json:"text" validate:"max_of=note_max" pattern:"\\S"`
	Tags  []string `json:"tags,omitempty" validate:"max=3,dive,min=1,max=10"`
	Level int      `json:"level" default:"1" validate:"min=1,max=5"`
	Kind  string   `json:"kind,omitempty" default:"memo" validate:"oneof=memo todo"`
}

type createNote struct {
	Tenant string `header:"X-Tenant" default:"main" validate:"max=8"`
	Dry    bool   `query:"dry" default:"false"`
	Body   noteBody
}

type noteRef struct {
	ID    int64      `path:"id" validate:"min=1"`
	Owner *uuid.UUID `query:"owner"`
	Limit int        `query:"limit" default:"20" validate:"min=1,max=100"`
}

type note struct {
	ID     int64    `json:"id"`
	Text   string   `json:"text"`
	Tags   []string `json:"tags"`
	Level  int      `json:"level"`
	Kind   string   `json:"kind"`
	Tenant string   `json:"tenant"`
	Limit  int      `json:"limit,omitempty"`
}

// newNotes returns an engine with typed note routes and the logs.
func newNotes(t *testing.T, opts ...httpmod.RouteOption) (http.Handler, *observer.ObservedLogs) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	core, logs := observer.New(zapcore.DebugLevel)
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{Limits: map[string]int64{"note_max": 10}, Logger: zap.New(core), BodyLimit: 256})
	e := gin.New()
	e.HandleMethodNotAllowed = true
	r := httpmod.NewRouter(e.Group("/api"), table)
	httpmod.Route(r, http.MethodPost, "/notes/", func(_ context.Context, in *createNote) (*note, error) {
		return &note{ID: 1, Text: in.Body.Text, Tags: in.Body.Tags, Level: in.Body.Level, Kind: in.Body.Kind, Tenant: in.Tenant}, nil
	}, append([]httpmod.RouteOption{httpmod.Status(http.StatusCreated)}, opts...)...)
	httpmod.Route(r, http.MethodGet, "/notes/:id", func(_ context.Context, in *noteRef) (*note, error) {
		switch in.ID {
		case 404:
			return nil, httpmod.Error(http.StatusNotFound, "Note not found")
		case 500:
			return nil, errors.New("database on fire")
		}
		return &note{ID: in.ID, Limit: in.Limit}, nil
	}, httpmod.Responds(http.StatusNotFound, "No such note", nil))
	httpmod.Route(r, http.MethodDelete, "/notes/:id", func(context.Context, *noteRef) (*httpmod.NoContent, error) {
		return nil, nil
	}, httpmod.Status(http.StatusNoContent))
	if err := table.Err(); err != nil {
		t.Fatalf("declarations: %v", err)
	}
	return e, logs
}

func do(h http.Handler, method, target, contentType, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body == "" {
		req = httptest.NewRequest(method, target, nil)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// problems decodes a 422 body.
func problems(t *testing.T, rec *httptest.ResponseRecorder) []httpmod.Problem {
	t.Helper()
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422: %s", rec.Code, rec.Body)
	}
	var v httpmod.ValidationError
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("422 body %q: %v", rec.Body, err)
	}
	return v.Detail
}

func locString(loc []any) string {
	parts := make([]string, len(loc))
	for i, l := range loc {
		b, _ := json.Marshal(l)
		parts[i] = strings.Trim(string(b), `"`)
	}
	return strings.Join(parts, ".")
}

func TestRouteErrorsAndStatuses(t *testing.T) {
	h, logs := newNotes(t)
	if rec := do(h, http.MethodGet, "/api/notes/404", "", ""); rec.Code != http.StatusNotFound || rec.Body.String() != `{"detail":"Note not found"}` {
		t.Fatalf("404: %d %s", rec.Code, rec.Body)
	}
	if logs.Len() != 0 {
		t.Fatalf("a 404 was logged: %v", logs.All())
	}
	rec := do(h, http.MethodGet, "/api/notes/500", "", "")
	if rec.Code != http.StatusInternalServerError || rec.Body.String() != `{"detail":"Internal Server Error"}` {
		t.Fatalf("500: %d %s", rec.Code, rec.Body)
	}
	errs := logs.FilterLevelExact(zapcore.ErrorLevel).All()
	if len(errs) != 1 || !strings.Contains(errs[0].ContextMap()["error"].(string), "database on fire") {
		t.Fatalf("want one ERROR line with the cause, got %v", logs.All())
	}
	if rec := do(h, http.MethodDelete, "/api/notes/3", "", ""); rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Fatalf("204: %d %q", rec.Code, rec.Body)
	}
}

func TestRouteDeclarationErrors(t *testing.T) {
	type noTag struct{ X int }
	type wrongPath struct {
		ID int64 `path:"key"`
	}
	type required struct {
		Body struct {
			Name string `json:"name" validate:"required"`
		}
	}
	type unsupported struct {
		Q string `query:"q" validate:"alphanum"`
	}
	type optionalFails struct {
		Q *string `query:"q" validate:"max=3"`
	}
	type emptyLets struct {
		Body struct {
			Name string `json:"name" validate:"omitempty,min=3"`
		}
	}
	type noDive struct {
		Body struct {
			Items []struct {
				N int `json:"n" validate:"min=1"`
			} `json:"items"`
		}
	}
	type unknownLimit struct {
		Body struct {
			Name string `json:"name" validate:"max_of=nope"`
		}
	}
	type badDefault struct {
		Limit int `query:"limit" default:"500" validate:"max=100"`
	}
	type quotedOneof struct {
		Kind string `query:"kind" validate:"oneof='a b' c"`
	}
	type fractionalLength struct {
		Name string `query:"name" validate:"gt=1.5"`
	}
	type impossibleLength struct {
		Name *string `query:"name" validate:"omitnil,lt=0"`
	}
	tests := []struct {
		name    string
		declare func(r *httpmod.Router)
		want    string
	}{
		{"field without a location", func(r *httpmod.Router) { httpmod.Route(r, "GET", "/a", handler[noTag]) }, "needs a path, query or header tag"},
		{"path parameter without a field", func(r *httpmod.Router) { httpmod.Route(r, "GET", "/a/:id", handler[wrongPath]) }, `the path has no parameter "key"`},
		{"required is refused", func(r *httpmod.Router) { httpmod.Route(r, "POST", "/a", handler[required]) }, `rule "required"`},
		{"a rule the document cannot state", func(r *httpmod.Router) { httpmod.Route(r, "GET", "/a", handler[unsupported]) }, `rule "alphanum" has no JSON Schema equivalent`},
		{"an optional field its absence fails", func(r *httpmod.Router) { httpmod.Route(r, "GET", "/a", handler[optionalFails]) }, "start them with omitnil"},
		{"omitempty lets a refused value through", func(r *httpmod.Router) { httpmod.Route(r, "POST", "/a", handler[emptyLets]) }, "omitempty would let an empty value through"},
		{"element rules without dive", func(r *httpmod.Router) { httpmod.Route(r, "POST", "/a", handler[noDive]) }, `add validate:"dive"`},
		{"an unknown runtime limit", func(r *httpmod.Router) { httpmod.Route(r, "POST", "/a", handler[unknownLimit]) }, "names no runtime limit"},
		{"a default that fails its rules", func(r *httpmod.Router) { httpmod.Route(r, "GET", "/a", handler[badDefault]) }, "give it a valid default"},
		{"quoted oneof values", func(r *httpmod.Router) { httpmod.Route(r, "GET", "/a", handler[quotedOneof]) }, "quoted values are not supported"},
		{"a fractional length (the validator would panic)", func(r *httpmod.Router) { httpmod.Route(r, "GET", "/a", handler[fractionalLength]) }, "a length bound is a whole number"},
		{"a length no value meets", func(r *httpmod.Router) { httpmod.Route(r, "GET", "/a", handler[impossibleLength]) }, "no length is below 0"},
		{"HEAD after its GET", func(r *httpmod.Router) {
			httpmod.Route(r, "GET", "/a", handler[httpmod.NoInput])
			httpmod.Handle(r, "HEAD", "/a", func(*gin.Context) {})
		}, "its GET route answers HEAD already"},
		{"twice the same route", func(r *httpmod.Router) {
			httpmod.Route(r, "GET", "/a", handler[httpmod.NoInput])
			httpmod.Route(r, "GET", "/a", handler[httpmod.NoInput])
		}, "declared twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
			tt.declare(httpmod.NewRouter(gin.New().Group("/api"), table))
			err := table.Err()
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want one line with %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "httpmod: route ") {
				t.Fatalf("error %q does not name the route", err)
			}
		})
	}
}

func handler[In any](context.Context, *In) (*note, error) { return &note{}, nil }

// A field named Body inside the body is located by its JSON name, like any
// other (only the input's own Body field is the body).
