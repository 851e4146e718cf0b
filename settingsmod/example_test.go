package settingsmod_test

import (
	"errors"
	"fmt"

	"go.uber.org/fx"

	"github.com/m8fx/kit/settingsmod"
)

// baseEnv is a small valid configuration.
func baseEnv() map[string]string {
	return map[string]string{
		"ENVIRONMENT":             "local",
		"DOMAIN":                  "localhost",
		"PROJECT_NAME":            "Items",
		"STACK_NAME":              "items",
		"API_PREFIX":              "/api",
		"BACKEND_HOST":            "http://localhost:8000",
		"FRONTEND_HOST":           "http://localhost:3000/app",
		"BACKEND_CORS_ORIGINS":    "HTTPS://Admin.Example.com:443/, http://localhost:3000",
		"ACCESS_TOKEN_ALGORITHM":  "HS256",
		"ACCESS_SECRET_KEY":       "an-hs256-secret-of-32-bytes-or-more",
		"TOKEN_MODE":              "stateless",
		"TOKEN_STRICT_VALIDATION": "false",
		"EVENT_SIGNING_ENABLED":   "false",
	}
}

func ExampleLoad() {
	s, err := settingsmod.Load(settingsmod.MapSource(baseEnv()))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.ProjectName, s.APIPrefix, s.AuthPrefix)
	fmt.Println("origins:", s.AllowedOrigins())
	fmt.Println("log format:", s.EffectiveLogFormat(), "drain:", s.ShutdownDrain(), "leeway:", s.TokenLeeway())
	fmt.Println("secret:", s.AccessSecretKey)
	// Output:
	// Items /api /auth
	// origins: [https://admin.example.com http://localhost:3000]
	// log format: console drain: 0s leeway: 5s
	// secret: ***
}

func ExampleValidationError() {
	env := baseEnv()
	delete(env, "DOMAIN")
	env["API_PREFIX"] = "api/"
	env["JWKS_CACHE_TTL_SECONDS"] = "five"
	env["ACCESS_SECRET_KEY"] = "too-short"

	_, err := settingsmod.Load(settingsmod.MapSource(env))
	fmt.Println(err)

	var ve *settingsmod.ValidationError
	if errors.As(err, &ve) {
		fmt.Println("first:", ve.Problems[0].Env)
	}
	// Output:
	// invalid settings (4 problems):
	//   - ACCESS_SECRET_KEY: must be at least 32 bytes long; generate one with: openssl rand -hex 32
	//   - API_PREFIX: must start with "/" and not end with "/", without spaces, "?" or "#" (e.g. "/api"), got "api/"
	//   - DOMAIN: is required (the public domain, e.g. localhost or api.example.com)
	//   - JWKS_CACHE_TTL_SECONDS: must be an integer
	// first: ACCESS_SECRET_KEY
}

// ServiceSettings is a service's own settings type: the kit's settings plus
// its own variables.
type ServiceSettings struct {
	settingsmod.Settings
	PageSize int    `env:"PAGE_SIZE" envDefault:"50"`
	Region   string `env:"REGION"`
}

// ValidateSettings checks the service's own variables; LoadInto reports its
// problems together with the kit's.
func (s *ServiceSettings) ValidateSettings() []settingsmod.Problem {
	if s.PageSize < 1 || s.PageSize > 500 {
		return []settingsmod.Problem{{Env: "PAGE_SIZE", Message: "must be between 1 and 500"}}
	}
	return nil
}

func ExampleLoadInto() {
	env := baseEnv()
	env["REGION"] = "eu-west"

	var s ServiceSettings
	if err := settingsmod.LoadInto(settingsmod.MapSource(env), &s); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.ProjectName, s.Region, s.PageSize)

	env["PAGE_SIZE"] = "0"
	env["TOKEN_MODE"] = "sometimes"
	fmt.Println(settingsmod.LoadInto(settingsmod.MapSource(env), &ServiceSettings{}))
	// Output:
	// Items eu-west 50
	// invalid settings (2 problems):
	//   - PAGE_SIZE: must be between 1 and 500
	//   - TOKEN_MODE: must be one of stateless, hybrid, stateful, got "sometimes"
}

func ExampleProvide() {
	app := fx.New(
		fx.NopLogger,
		settingsmod.Module, // m8fx.Module includes it
		settingsmod.Provide[ServiceSettings](),
		// Tests replace the process environment at the root:
		fx.Decorate(func() settingsmod.Source { return settingsmod.MapSource(baseEnv()) }),
		fx.Invoke(func(svc *ServiceSettings, kit *settingsmod.Settings) {
			fmt.Println(svc.PageSize, kit.ProjectName, kit == &svc.Settings)
		}),
	)
	fmt.Println(app.Err())
	// Output:
	// 50 Items true
	// <nil>
}
