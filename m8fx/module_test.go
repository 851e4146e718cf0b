package m8fx_test

import (
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/m8fx"
	"github.com/m8fx/kit/settingsmod"
)

func TestModuleValidates(t *testing.T) {
	if err := fx.ValidateApp(m8fx.Module); err != nil {
		t.Fatal(err)
	}
}

// TestModuleProvides: the bundle's types are all injectable by services.
func TestModuleProvides(t *testing.T) {
	var (
		s      *settingsmod.Settings
		log    *zap.Logger
		engine *gin.Engine
		srv    *httpmod.Server
		ready  *healthmod.Readiness
		cfg    healthmod.Config
		runner *healthmod.Runner
	)
	fxtest_helpers.New(t, fxtest_helpers.Populate(&s, &log, &engine, &srv, &ready, &cfg, &runner))
	for name, v := range map[string]bool{
		"settings": s != nil, "logger": log != nil, "engine": engine != nil, "server": srv != nil,
		"readiness": ready != nil, "runner": runner != nil, "health config": cfg.Timeout > 0,
	} {
		if !v {
			t.Errorf("%s not provided", name)
		}
	}
}
