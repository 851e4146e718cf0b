package httpmod_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
)

type limitedInput struct {
	Body struct {
		Text string `json:"text" validate:"max_of=text_max"`
	}
}

// TestRegistrationHelpersAreOptions: each AsXxx helper is an fx.Option given
// to the app as it is, and what it registers takes effect.
func TestRegistrationHelpersAreOptions(t *testing.T) {
	app := fxtest_helpers.New(t, fxtest_helpers.WithOptions(
		httpmod.AsRoutes(func() httpmod.Routes {
			return httpmod.RoutesFunc(func(r *httpmod.Router) {
				httpmod.Route(r, http.MethodPost, "/notes", func(context.Context, *limitedInput) (*httpmod.NoContent, error) { return nil, nil },
					httpmod.Status(http.StatusNoContent))
			})
		}),
		httpmod.AsRootRoutes(func() httpmod.Routes {
			return httpmod.RoutesFunc(func(r *httpmod.Router) {
				httpmod.Handle(r, http.MethodGet, "/root-ping", func(c *gin.Context) { c.Status(http.StatusNoContent) })
			})
		}),
		httpmod.AsMiddleware(func() httpmod.Middleware {
			return httpmod.Middleware{Name: "tenant", Priority: 500, Handler: func(c *gin.Context) {
				c.Header("X-Tenant-Seen", "yes")
				c.Next()
			}}
		}),
		httpmod.AsLimit(func() httpmod.Limit { return httpmod.Limit{Name: "text_max", Value: 4} }),
	))
	post := func(body string) int {
		req, _ := http.NewRequest(http.MethodPost, "/api/notes", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		return app.Do(req).Code
	}
	if code := post(`{"text":"abcd"}`); code != http.StatusNoContent {
		t.Errorf("AsRoutes: POST /api/notes within the limit: %d", code)
	}
	if code := post(`{"text":"abcde"}`); code != http.StatusUnprocessableEntity {
		t.Errorf("AsLimit: POST /api/notes over the limit: %d, want 422", code)
	}
	rec := app.Get("/root-ping")
	if rec.Code != http.StatusNoContent {
		t.Errorf("AsRootRoutes: GET /root-ping: %d", rec.Code)
	}
	if rec.Header().Get("X-Tenant-Seen") != "yes" {
		t.Error("AsMiddleware: the middleware did not run")
	}
}

// TestRegistrationHelperInsideProvideIsRefused: an AsXxx helper given to
// fx.Provide is a build error, not a silently missing registration.
func TestRegistrationHelperInsideProvideIsRefused(t *testing.T) {
	err := fxtest_helpers.BuildErr(t, fxtest_helpers.WithOptions(
		fx.Provide(httpmod.AsLimit(func() httpmod.Limit { return httpmod.Limit{Name: "n", Value: 1} })),
	))
	if err == nil || !strings.Contains(err.Error(), "fx.Option") {
		t.Fatalf("BuildErr = %v, want fx's refusal of an option inside fx.Provide", err)
	}
}
