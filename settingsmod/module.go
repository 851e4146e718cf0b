package settingsmod

import "go.uber.org/fx"

// Module provides the [Source] (the process environment and .env file) and
// the validated *[Settings] loaded from it. Tests replace the Source with
// fx.Decorate(func() settingsmod.Source { return settingsmod.MapSource(m) }).
var Module = fx.Module("settings", fx.Provide(EnvSource, New))

// New loads and validates the kit settings from src; it is [Load] as an fx
// constructor.
func New(src Source) (*Settings, error) { return Load(src) }

// Provide loads a service's own settings type T, which embeds [Settings] by
// value, with [LoadInto] from the Source in the graph, provides *T, and
// decorates *Settings so that every module sees the kit part of the same
// value. Use it at the root of the app, beside [Module] (which m8fx.Module
// includes): it decorates the *Settings that Module provides, so the kit
// settings are loaded once, by Provide, and [New] does not run.
//
//	fx.New(m8fx.Module, settingsmod.Provide[MySettings]())
//
// To override settings in a test, decorate the Source (or *T), not
// *Settings: Provide already decorates *Settings at the root.
func Provide[T any, PT interface {
	*T
	Extension
}]() fx.Option {
	return fx.Options(
		fx.Provide(func(src Source) (PT, error) {
			dst := PT(new(T))
			if err := LoadInto(src, dst); err != nil {
				return nil, err
			}
			return dst, nil
		}),
		fx.Decorate(func(dst PT) *Settings { return dst.Base() }),
	)
}
