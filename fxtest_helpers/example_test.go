package fxtest_helpers_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
)

// exampleT stands in for the *testing.T a real test receives.
type exampleT struct {
	testing.TB
	cleanups []func()
}

func (t *exampleT) Helper()                   {}
func (t *exampleT) Name() string              { return "Example" }
func (t *exampleT) Log(...any)                {}
func (t *exampleT) Logf(string, ...any)       {}
func (t *exampleT) Errorf(f string, a ...any) { fmt.Printf(f+"\n", a...) }
func (t *exampleT) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }
func (t *exampleT) FailNow()                  { panic("FailNow") }
func (t *exampleT) Cleanup(f func())          { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// In a test, pass the test's t instead of exampleT.
func Example() {
	t := &exampleT{}
	defer t.finish()
	gin.SetMode(gin.TestMode)

	greet := func() httpmod.Routes {
		return httpmod.RoutesFunc(func(r *httpmod.Router) {
			httpmod.Handle(r, http.MethodGet, "/greet", func(c *gin.Context) { c.String(http.StatusOK, "hi") })
		})
	}
	app := fxtest_helpers.New(t,
		fxtest_helpers.WithSetting("API_PREFIX", "/v1"),
		fxtest_helpers.WithOptions(httpmod.AsRoutes(greet)),
		fxtest_helpers.Decorate(func(c healthmod.Config) healthmod.Config {
			c.DetailPublic = true
			return c
		}),
	)
	rec := app.Get("/v1/greet")
	fmt.Println(rec.Code, rec.Body.String())
	fmt.Println(app.Get("/v1/health/").Code)
	// Output:
	// 200 hi
	// 200
}
