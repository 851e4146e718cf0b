// Command itemsvc is the m8fx example service. Run it from the repository root:
//
//	go run ./examples/itemsvc
//
// With no ENVIRONMENT in the process environment it uses the committed
// dev-only settings in local.env and listens on 127.0.0.1:8000.
package main

import (
	"fmt"
	"os"

	"go.uber.org/fx"

	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/m8fx"
)

// options are the service's fx options, shared by main and the tests.
func options() []fx.Option {
	return []fx.Option{
		m8fx.Module,
		fx.Provide(httpmod.AsRoutes(NewRoutes)),
		fx.Provide(httpmod.AsRoutes(NewUserRoutes)),
		fx.Provide(healthmod.AsCheck(NewRuntimeCheck)),
	}
}

func main() {
	src, err := settingsSource(os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "itemsvc:", err)
		os.Exit(1)
	}
	m8fx.Main(append(options(), fx.Replace(src))...)
}
