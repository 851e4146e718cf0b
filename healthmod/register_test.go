package healthmod

import (
	"context"
	"errors"
	"testing"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/m8fx/kit/settingsmod"
)

// pingCheck is a concrete check type, as a service would write one.
type pingCheck struct{ name string }

func (p *pingCheck) Name() string                 { return p.name }
func (p *pingCheck) Check(context.Context) Result { return Result{Status: StatusDegraded} }

func newPingCheck() *pingCheck { return &pingCheck{name: "redis"} }

func newDBCheck() Check {
	return NewCheck("database", func(context.Context) error { return nil })
}

func testSettings() *settingsmod.Settings {
	return &settingsmod.Settings{ProjectName: "svc", ServiceVersion: "1.2.3"}
}

func TestAsCheckRegistersChecks(t *testing.T) {
	tests := []struct {
		name      string
		provide   []fx.Option
		wantNames []string
		wantAgg   Status
	}{
		{"none", nil, []string{}, StatusOK},
		{"concrete type", []fx.Option{AsCheck(newPingCheck)}, []string{"redis"}, StatusDegraded},
		{"interface result", []fx.Option{AsCheck(newDBCheck)}, []string{"database"}, StatusOK},
		{"two checks", []fx.Option{AsCheck(newPingCheck), AsCheck(newDBCheck)}, []string{"database", "redis"}, StatusDegraded},
		{"constructor with error", []fx.Option{AsCheck(func() (Check, error) { return newDBCheck(), nil })}, []string{"database"}, StatusOK},
		{"AsChecks slice", []fx.Option{AsChecks(func() []Check { return []Check{newDBCheck(), newPingCheck()} })}, []string{"database", "redis"}, StatusDegraded},
		{"AsChecks empty", []fx.Option{AsChecks(func() []Check { return nil }), AsCheck(newDBCheck)}, []string{"database"}, StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r *Runner
			app := fxtest.New(t,
				Module,
				fx.Supply(testSettings()),
				fx.Options(tt.provide...),
				fx.Populate(&r),
			)
			app.RequireStart()
			defer app.RequireStop()
			rep := r.Run(context.Background())
			names := make([]string, len(rep.Checks))
			for i, c := range rep.Checks {
				names[i] = c.Name
			}
			if len(names) != len(tt.wantNames) {
				t.Fatalf("checks = %v, want %v", names, tt.wantNames)
			}
			for i := range names {
				if names[i] != tt.wantNames[i] {
					t.Fatalf("checks = %v, want %v", names, tt.wantNames)
				}
			}
			if rep.Status != tt.wantAgg {
				t.Errorf("status = %q, want %q", rep.Status, tt.wantAgg)
			}
		})
	}
}

func TestAsCheckConstructorErrorFailsTheApp(t *testing.T) {
	app := fx.New(
		fx.NopLogger,
		Module,
		fx.Supply(testSettings()),
		AsCheck(func() (Check, error) { return nil, errors.New("no redis") }),
		fx.Invoke(func(*Runner) {}),
	)
	if err := app.Err(); err == nil {
		t.Fatal("app built although a check constructor failed")
	}
}
