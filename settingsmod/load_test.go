package settingsmod

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestLoadMinimal(t *testing.T) {
	s := mustLoad(t, validEnv())
	checks := []struct {
		name      string
		got, want any
	}{
		{"Domain", s.Domain, "localhost"},
		{"AuthPrefix default", s.AuthPrefix, "/auth"},
		{"AuthServiceRole default", s.AuthServiceRole, "consumer"},
		{"JWKSCacheTTLSeconds default", s.JWKSCacheTTLSeconds, 300},
		{"SelectedDB default", s.SelectedDB, "Sqlite"},
		{"MetricsGroups default", s.MetricsGroups, []string{"all"}},
		{"HTTPAddr default", s.HTTPAddr, "0.0.0.0:8000"},
		{"HTTPMaxHeaderBytes default", s.HTTPMaxHeaderBytes, 65536},
		{"TokenLeewaySeconds unset", s.TokenLeewaySeconds == nil, true},
		{"ShutdownDrainSeconds unset", s.ShutdownDrainSeconds == nil, true},
		{"TokenStrictValidation", s.TokenStrictValidation, false},
		{"AccessSecretKey", s.AccessSecretKey.Value(), testKey},
		{"BackendCORSOrigins empty", len(s.BackendCORSOrigins), 0},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

func TestLoadEmptySourceListsEveryRequiredVariable(t *testing.T) {
	_, err := Load(Source{})
	ps := problemsOf(t, err)
	for _, env := range []string{"DOMAIN", "ENVIRONMENT", "PROJECT_NAME", "STACK_NAME", "API_PREFIX", "BACKEND_HOST", "FRONTEND_HOST"} {
		if !findProblem(ps, env, "is required") {
			t.Errorf("no 'is required' for %s in %v", env, err)
		}
	}
}

func TestPrecedence(t *testing.T) {
	filePath := writeFile(t, "project", "from-file\n")
	tests := []struct {
		name    string
		environ map[string]string
		dotenv  map[string]string
		want    string
	}{
		{"file beats env and dotenv", map[string]string{"AUTH_PREFIX": "/env", "AUTH_PREFIX_FILE": filePath}, map[string]string{"AUTH_PREFIX": "/dot"}, "from-file"},
		{"file named in dotenv beats env", map[string]string{"AUTH_PREFIX": "/env"}, map[string]string{"AUTH_PREFIX_FILE": filePath}, "from-file"},
		{"env beats dotenv", map[string]string{"AUTH_PREFIX": "/env"}, map[string]string{"AUTH_PREFIX": "/dot"}, "/env"},
		{"dotenv beats default", nil, map[string]string{"AUTH_PREFIX": "/dot"}, "/dot"},
		{"default", nil, nil, "/auth"},
		{"empty value takes the default", map[string]string{"AUTH_PREFIX": ""}, map[string]string{"AUTH_PREFIX": "/dot"}, "/auth"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			environ := validEnv()
			for k, v := range tc.environ {
				environ[k] = v
			}
			var s Settings
			err := LoadInto(Source{Environ: environ, DotEnv: tc.dotenv}, &s)
			got := s.AuthPrefix
			if tc.want == "from-file" {
				// "from-file" is not a valid prefix: the error proves the value arrived.
				if err == nil || !strings.Contains(err.Error(), `"from-file"`) {
					t.Fatalf("want the file value to be used, got %q, err %v", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestListsAreTrimmed(t *testing.T) {
	s := mustLoad(t, withEnv(map[string]string{
		"BACKEND_CORS_ORIGINS": " http://a.test , ,http://b.test,",
		"ALLOWED_HOSTS":        "a.test, ,b.test ",
		"METRICS_GROUPS":       " traffic ,, auth",
	}))
	for _, c := range []struct {
		name      string
		got, want []string
	}{
		{"BACKEND_CORS_ORIGINS", s.BackendCORSOrigins, []string{"http://a.test", "http://b.test"}},
		{"ALLOWED_HOSTS", s.AllowedHosts, []string{"a.test", "b.test"}},
		{"METRICS_GROUPS", s.MetricsGroups, []string{"traffic", "auth"}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestCleanList(t *testing.T) {
	tests := []struct {
		in, want []string
	}{
		{nil, nil},
		{[]string{" ", ""}, nil},
		{[]string{" a ", "b"}, []string{"a", "b"}},
	}
	for _, tc := range tests {
		if got := cleanList(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("cleanList(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// serviceSettings extends the kit settings as a service would.
type serviceSettings struct {
	Settings
	PageSize int    `env:"PAGE_SIZE" envDefault:"50"`
	Region   string `env:"REGION"`
}

func (s *serviceSettings) ValidateSettings() []Problem {
	var ps []Problem
	if s.PageSize < 1 || s.PageSize > 500 {
		ps = append(ps, Problem{"PAGE_SIZE", "must be between 1 and 500"})
	}
	if s.Region == "" {
		ps = append(ps, Problem{"REGION", "is required"})
	}
	return ps
}

func TestLoadIntoExtension(t *testing.T) {
	var dst serviceSettings
	if err := LoadInto(MapSource(withEnv(map[string]string{"REGION": "eu", "PAGE_SIZE": "20"})), &dst); err != nil {
		t.Fatal(err)
	}
	if dst.PageSize != 20 || dst.Region != "eu" || dst.Domain != "localhost" || dst.Base() != &dst.Settings {
		t.Fatalf("got %+v", dst)
	}
}

func TestLoadIntoReportsKitAndServiceProblemsTogether(t *testing.T) {
	m := withEnv(map[string]string{"DOMAIN": unset, "PAGE_SIZE": "0"})
	var dst serviceSettings
	ps := problemsOf(t, LoadInto(MapSource(m), &dst))
	for _, want := range []Problem{{"DOMAIN", "is required"}, {"PAGE_SIZE", "between 1 and 500"}, {"REGION", "is required"}} {
		if !findProblem(ps, want.Env, want.Message) {
			t.Errorf("missing %v in %v", want, ps)
		}
	}
}

func TestLoadIntoServiceParseErrorSuppressesItsRule(t *testing.T) {
	var dst serviceSettings
	ps := problemsOf(t, LoadInto(MapSource(withEnv(map[string]string{"REGION": "eu", "PAGE_SIZE": "many"})), &dst))
	if len(ps) != 1 || ps[0] != (Problem{"PAGE_SIZE", "must be an integer"}) {
		t.Fatalf("got %v", ps)
	}
}

// pointerEmbed embeds *Settings, which LoadInto cannot fill when nil.
type pointerEmbed struct {
	*Settings
}

// notStruct is an Extension that is not a struct.
type notStruct func()

func (notStruct) Base() *Settings { return &Settings{} }

func TestLoadIntoRefusesBadTargets(t *testing.T) {
	var nilSettings *Settings
	tests := []struct {
		name string
		dst  Extension
		want string
	}{
		{"nil interface", nil, "got nil"},
		{"nil pointer", nilSettings, "*settingsmod.Settings"},
		{"nil embedded pointer", &pointerEmbed{}, "embed settingsmod.Settings by value"},
		{"not a struct", notStruct(nil), "notStruct"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := LoadInto(MapSource(validEnv()), tc.dst)
			var ve *ValidationError
			if err == nil || errors.As(err, &ve) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want a plain error containing %q, got %v", tc.want, err)
			}
		})
	}
}

func TestNewFromEnv(t *testing.T) {
	t.Chdir(t.TempDir())
	for k, v := range validEnv() {
		t.Setenv(k, v)
	}
	t.Setenv("ENV_FILE", writeFile(t, "app.env", "PROJECT_NAME=From Dotenv\nSTACK_NAME=dot\n"))
	t.Setenv("PROJECT_NAME", "From Env")
	s, err := NewFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if s.ProjectName != "From Env" || s.StackName != "test" {
		t.Fatalf("got %q %q", s.ProjectName, s.StackName)
	}

	t.Setenv("ENV_FILE", writeFile(t, "bad.env", "BAD-KEY=1\n"))
	if _, err := NewFromEnv(); err == nil || !strings.Contains(err.Error(), "bad.env") {
		t.Fatalf("want an error naming bad.env, got %v", err)
	}
}
