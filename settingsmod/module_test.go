package settingsmod

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"
	"go.uber.org/fx/fxtest"
)

// mapSourceOption replaces the Source at the root of an app.
func mapSourceOption(m map[string]string) fx.Option {
	return fx.Decorate(func() Source { return MapSource(m) })
}

// badEnvFile points ENV_FILE at a malformed file: a test whose app still
// starts proves EnvSource was not called.
func badEnvFile(t *testing.T) {
	t.Helper()
	t.Setenv("ENV_FILE", writeFile(t, "bad.env", "BAD-KEY=1\n"))
}

func TestModuleProvidesSettings(t *testing.T) {
	badEnvFile(t)
	var s *Settings
	app := fxtest.New(t, fx.NopLogger, Module, mapSourceOption(validEnv()), fx.Populate(&s))
	app.RequireStart().RequireStop()
	if s == nil || s.ProjectName != "Test" {
		t.Fatalf("got %+v", s)
	}
}

func TestModuleFailsWithValidationError(t *testing.T) {
	m := withEnv(map[string]string{"DOMAIN": unset})
	app := fx.New(fx.NopLogger, Module, mapSourceOption(m), fx.Invoke(func(*Settings) {}))
	err := app.Err()
	var ve *ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "DOMAIN: is required") {
		t.Fatalf("want a ValidationError through fx, got %v", err)
	}
}

func TestModuleReadsEnvSource(t *testing.T) {
	badEnvFile(t)
	app := fx.New(fx.NopLogger, Module, fx.Invoke(func(*Settings) {}))
	if err := app.Err(); err == nil || !strings.Contains(err.Error(), "bad.env") {
		t.Fatalf("want the EnvSource error, got %v", err)
	}
}

func TestNew(t *testing.T) {
	s, err := New(MapSource(validEnv()))
	if err != nil || s.Domain != "localhost" {
		t.Fatalf("got %+v, %v", s, err)
	}
}

func TestProvideExtension(t *testing.T) {
	badEnvFile(t)
	var (
		svc    *serviceSettings
		kit    *Settings
		inside *Settings
	)
	app := fxtest.New(t, fx.NopLogger,
		Module,
		Provide[serviceSettings](),
		mapSourceOption(withEnv(map[string]string{"REGION": "eu", "PAGE_SIZE": "7"})),
		fx.Module("consumer", fx.Invoke(func(s *Settings) { inside = s })),
		fx.Populate(&svc, &kit),
	)
	app.RequireStart().RequireStop()
	if svc.Region != "eu" || svc.PageSize != 7 || svc.Domain != "localhost" {
		t.Fatalf("service settings: %+v", svc)
	}
	if kit != &svc.Settings || inside != kit {
		t.Fatalf("*Settings is not the kit part of *serviceSettings: %p %p %p", kit, inside, &svc.Settings)
	}
}

func TestProvideNeedsModule(t *testing.T) {
	app := fx.New(fx.NopLogger,
		fx.Supply(MapSource(withEnv(map[string]string{"REGION": "eu"}))),
		Provide[serviceSettings](),
		fx.Invoke(func(*Settings) {}),
	)
	if err := app.Err(); err == nil || !strings.Contains(err.Error(), "*settingsmod.Settings") {
		t.Fatalf("want a missing *Settings error, got %v", err)
	}
}

func TestProvideReportsServiceProblems(t *testing.T) {
	m := withEnv(map[string]string{"DOMAIN": unset, "PAGE_SIZE": "0"})
	app := fx.New(fx.NopLogger, Module, Provide[serviceSettings](), mapSourceOption(m),
		fx.Invoke(func(*Settings) {}))
	err := app.Err()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a ValidationError, got %v", err)
	}
	for _, want := range []string{"DOMAIN: is required", "PAGE_SIZE: must be between 1 and 500", "REGION: is required"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
}

// runRecorder records the constructors and decorators fx runs.
type runRecorder struct {
	mu   sync.Mutex
	runs []string
}

func (r *runRecorder) LogEvent(e fxevent.Event) {
	if run, ok := e.(*fxevent.Run); ok {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.runs = append(r.runs, run.Kind+" "+run.Name)
	}
}

func TestProvideReplacesTheKitLoad(t *testing.T) {
	rec := &runRecorder{}
	app := fxtest.New(t,
		fx.WithLogger(func() fxevent.Logger { return rec }),
		Module,
		Provide[serviceSettings](),
		mapSourceOption(withEnv(map[string]string{"REGION": "eu"})),
		fx.Invoke(func(*Settings, *serviceSettings) {}),
	)
	app.RequireStart().RequireStop()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	loads := 0
	for _, r := range rec.runs {
		if strings.HasSuffix(r, "settingsmod.New()") || strings.Contains(r, "settingsmod.EnvSource") {
			t.Errorf("%s ran: settings are loaded twice or from the real environment", r)
		}
		if strings.Contains(r, "provide") && strings.Contains(r, "settingsmod.Provide") {
			loads++
		}
	}
	if loads != 1 {
		t.Errorf("service settings loaded %d times; runs: %q", loads, rec.runs)
	}
}
