package m8fx_test

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/m8fx"
	"github.com/m8fx/kit/settingsmod"
)

// A whole service: the bundle, one route and a startup validator. Real
// services call m8fx.Main with the same options and read their settings from
// the environment; here they come from a map.
func Example() {
	env := map[string]string{
		"ENVIRONMENT": "local", "DOMAIN": "localhost", "PROJECT_NAME": "Example", "STACK_NAME": "ex",
		"API_PREFIX": "/api", "BACKEND_HOST": "http://localhost:8000", "FRONTEND_HOST": "http://localhost:3000",
		"TOKEN_MODE": "stateless", "ACCESS_TOKEN_ALGORITHM": "HS256",
		"ACCESS_SECRET_KEY": "example-secret-0123456789abcdef0123", "TOKEN_STRICT_VALIDATION": "false",
		"EVENT_SIGNING_ENABLED": "false", "HTTP_ADDR": "127.0.0.1:0", "LOG_LEVEL": "error",
	}
	hello := func() httpmod.Routes {
		return httpmod.RoutesFunc(func(r *httpmod.Router) {
			httpmod.Handle(r, http.MethodGet, "/hello", func(c *gin.Context) { c.String(http.StatusOK, "hello") })
		})
	}
	var server *httpmod.Server
	app := fx.New(
		m8fx.Module,
		fx.Replace(settingsmod.MapSource(env)),
		httpmod.AsRoutes(hello),
		m8fx.AsStartupValidator(func(context.Context) error {
			fmt.Println("validator ran")
			return nil
		}),
		fx.Populate(&server),
		fx.NopLogger,
	)
	if err := app.Start(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	defer app.Stop(context.Background())

	for _, path := range []string{"/api/hello", "/api/health/"} {
		resp, err := http.Get("http://" + server.Addr().String() + path)
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, string(body))
	}
	// Output:
	// validator ran
	// 200 hello
	// 200 {"status":"ok"}
}

func ExampleCapabilities() {
	caps := m8fx.Capabilities()
	fmt.Println(caps["startup_validators"], caps["async"])
	// Output: true false
}
