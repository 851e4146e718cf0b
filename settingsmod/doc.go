// Package settingsmod loads, validates and provides the settings of an m8fx
// consumer service.
//
// # Names
//
// Every field of [Settings] maps to one environment variable. The names are
// those of the Python kit fastapi-m8, so one .env file configures both kits.
// The configuration reference in README.md lists every variable with its
// default and rule.
//
// # Sources and precedence
//
// A value comes from the first of these that has it:
//
//  1. NAME_FILE: the content of the file it names, whitespace-trimmed (for
//     Docker and Kubernetes secrets). It applies to every setting NAME,
//     except when NAME_FILE is itself a setting: ACCESS_PUBLIC_KEY_FILE is a
//     path setting, whose own file form is ACCESS_PUBLIC_KEY_FILE_FILE. A
//     file that cannot be read is a problem naming NAME_FILE.
//  2. The process environment ([Source].Environ). A variable set to the
//     empty string counts as set.
//  3. The .env file ([Source].DotEnv), read by [EnvSource] from $ENV_FILE,
//     or ".env" in the working directory. An absent file is fine; a file
//     that cannot be read or parsed is an error naming its path (never its
//     content).
//  4. The default in the field's `envDefault` tag. An empty value also
//     takes the default.
//
// [MapSource] builds a Source from a map alone, never reading the process
// environment or a .env file: tests use it.
//
// # Validation
//
// [Load] parses and validates everything and fails with one
// *[ValidationError] that lists every problem (values that do not parse,
// files that cannot be read, and broken rules), each naming its environment
// variable and saying what is expected. The database settings are checked
// separately by [Settings.ValidateDatabase], which the database module calls,
// so a service without a database needs none of them.
//
// # Private calls to the auth service
//
// INTERNAL_CLIENT_ID, PRIVATE_API_SECRET and SERVICE_TOKEN_EXCHANGE_ENABLED
// choose how the kit authenticates to fa-auth-m8: legacy X-Internal-Token
// (no client id; refused in production when INTROSPECTION_URL is set),
// bootstrap headers, or service tokens exchanged for
// [Settings.EffectiveServiceTokenScopes]. The exchange and the auth event
// stream (EVENT_STREAM_ENABLED, which needs EVENT_SIGNING_KEY) live under
// [Settings.PrivateBaseURL], derived from INTROSPECTION_URL.
//
// # Secrets
//
// Secret settings have the type [Secret]. Every printed form (String, all
// fmt verbs, JSON, text marshalling, log/slog, zap) shows "***"; only
// [Secret.Value] returns the secret. Problem messages never contain secret
// values.
//
// # Extending settings
//
// A service adds its own settings by embedding Settings by value in its own
// struct with its own `env` fields, and optionally implementing
// [ExtraValidator]:
//
//	type ServiceSettings struct {
//		settingsmod.Settings
//		PageSize int `env:"PAGE_SIZE" envDefault:"50"`
//	}
//
//	func (s *ServiceSettings) ValidateSettings() []settingsmod.Problem {
//		if s.PageSize < 1 {
//			return []settingsmod.Problem{{Env: "PAGE_SIZE", Message: "must be at least 1"}}
//		}
//		return nil
//	}
//
// [LoadInto] loads both parts and reports all their problems together. In an
// fx app, Provide[ServiceSettings]() provides *ServiceSettings and makes
// every module's *Settings the kit part of that same value:
//
//	fx.New(m8fx.Module, settingsmod.Provide[ServiceSettings]())
//
// # fx
//
// [Module] provides the [Source] ([EnvSource]) and *[Settings] ([New]). Tests
// replace the Source at the root of the app:
//
//	fx.Decorate(func() settingsmod.Source { return settingsmod.MapSource(m) })
package settingsmod
