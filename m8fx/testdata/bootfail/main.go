// Command bootfail is an m8fx service that fails its boot in the way named by
// its first argument; m8fx's tests build it and check what it prints.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/m8fx"
)

func main() {
	mode := ""
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	opts := []fx.Option{m8fx.Module}
	switch mode {
	case "ok": // boots and runs until SIGTERM
	case "missing-type":
		opts = append(opts, fx.Invoke(func(*bytes.Reader) {}))
	case "failed-validator":
		opts = append(opts, m8fx.AsStartupValidator(func(context.Context) error {
			return fmt.Errorf("checking the schema: %w", errors.New("table items missing"))
		}))
	case "unknown-role":
		opts = append(opts, httpmod.AsRoutes(func(auth *authmod.Authenticator) httpmod.Routes {
			return httpmod.RoutesFunc(func(r *httpmod.Router) {
				httpmod.Handle(r, http.MethodGet, "/edit", func(c *gin.Context) { c.Status(http.StatusNoContent) },
					auth.Require(authmod.AtLeast("editor")))
			})
		}))
	case "bad-guard-typed":
		type out struct{ OK bool }
		opts = append(opts, httpmod.AsRoutes(func(auth *authmod.Authenticator) httpmod.Routes {
			return httpmod.RoutesFunc(func(r *httpmod.Router) {
				httpmod.Route(r, http.MethodGet, "/edit", func(context.Context, *struct{}) (*out, error) { return &out{}, nil },
					auth.Require(authmod.AnyOf("reader", "editor")))
			})
		}))
	case "constructor-panic":
		opts = append(opts, fx.Invoke(func() { panic("constructor exploded") }))
	default:
		fmt.Fprintf(os.Stderr, "bootfail: unknown mode %q\n", mode)
		os.Exit(2)
	}
	m8fx.Main(opts...)
}
