package settingsmod

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// level is a service type with its own text parsing.
type level int

func (l *level) UnmarshalText(b []byte) error {
	if string(b) != "low" {
		return errors.New("want low")
	}
	*l = 1
	return nil
}

type nestedSettings struct {
	Port int `env:"PORT"`
}

type parseSettings struct {
	Settings
	Ratio float64        `env:"SVC_RATIO"`
	Wait  time.Duration  `env:"SVC_WAIT"`
	Count uint           `env:"SVC_COUNT"`
	IDs   []int          `env:"SVC_IDS" envSeparator:","`
	Level level          `env:"SVC_LEVEL"`
	Pairs map[string]int `env:"SVC_PAIRS"`
	Redis nestedSettings `envPrefix:"REDIS_"`
	Cache nestedSettings `envPrefix:"CACHE_"`
}

func TestParseProblemsNameTheEnvVariable(t *testing.T) {
	tests := []struct {
		key, value, msg string
	}{
		{"JWKS_CACHE_TTL_SECONDS", "zq-soon", "must be an integer"},
		{"METRICS_ENABLED", "zq yes please", "must be true or false"},
		{"TOKEN_LEEWAY_SECONDS", "1.5zq", "must be an integer"},
		{"SVC_RATIO", "zq-half", "must be a number"},
		{"SVC_WAIT", "5zq", "must be a duration"},
		{"SVC_COUNT", "-1zq", "must be a non-negative integer"},
		{"SVC_IDS", "1,zq", "each comma-separated item must be an integer"},
		{"SVC_LEVEL", "zq-high", "is not a valid settingsmod.level: want low"},
		{"SVC_PAIRS", "zq", "key:value"},
		{"REDIS_PORT", "zq", "must be an integer"},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			var dst parseSettings
			err := LoadInto(MapSource(withEnv(map[string]string{tc.key: tc.value})), &dst)
			ps := problemsOf(t, err)
			if !findProblem(ps, tc.key, tc.msg) {
				t.Fatalf("want %s: %s, got %v", tc.key, tc.msg, err)
			}
			if strings.Contains(err.Error(), "zq") {
				t.Fatalf("the value %q is echoed: %v", tc.value, err)
			}
		})
	}
}

func TestParseErrorsDoNotStopValidation(t *testing.T) {
	m := withEnv(map[string]string{
		"JWKS_CACHE_TTL_SECONDS": "soon",
		"METRICS_ENABLED":        "maybe",
		"DOMAIN":                 unset,
		"API_PREFIX":             "api",
	})
	_, err := Load(MapSource(m))
	ps := problemsOf(t, err)
	for _, want := range []Problem{
		{"JWKS_CACHE_TTL_SECONDS", "must be an integer"},
		{"METRICS_ENABLED", "must be true or false"},
		{"DOMAIN", "is required"},
		{"API_PREFIX", `must start with "/"`},
	} {
		if !findProblem(ps, want.Env, want.Message) {
			t.Errorf("missing %v in %v", want, err)
		}
	}
	// The zero value left by the parse failure must not add ">= 1".
	if findProblem(ps, "JWKS_CACHE_TTL_SECONDS", "at least") {
		t.Errorf("rule problem added on top of the parse problem: %v", err)
	}
}

func TestIndexFields(t *testing.T) {
	idx := indexFields(reflect.TypeFor[*parseSettings]())
	tests := []struct {
		name string
		keys []string
	}{
		{"Domain", []string{"DOMAIN"}},
		{"Ratio", []string{"SVC_RATIO"}},
		{"Port", []string{"REDIS_PORT", "CACHE_PORT"}},
	}
	for _, tc := range tests {
		var got []string
		for _, f := range idx[tc.name] {
			got = append(got, f.key)
		}
		if !reflect.DeepEqual(got, tc.keys) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.keys)
		}
	}
	if hidden := indexFields(reflect.TypeFor[*privateSettings]())["hidden"]; hidden != nil {
		t.Errorf("unexported field indexed: %v", hidden)
	}
}

// privateSettings has an unexported field, which the parser skips.
type privateSettings struct {
	Settings
	hidden int `env:"HIDDEN"`
}

func TestUnexportedFieldsAreSkipped(t *testing.T) {
	dst := privateSettings{hidden: 5}
	if err := LoadInto(MapSource(withEnv(map[string]string{"HIDDEN": "7"})), &dst); err != nil {
		t.Fatal(err)
	}
	if dst.hidden != 5 {
		t.Fatalf("unexported field set to %d", dst.hidden)
	}
}

func TestKeyOf(t *testing.T) {
	idx := indexFields(reflect.TypeFor[*parseSettings]())
	intType := reflect.TypeFor[int]()
	tests := []struct {
		name        string
		field       string
		environment map[string]string
		want        string
	}{
		{"unique", "JWKSCacheTTLSeconds", nil, "JWKS_CACHE_TTL_SECONDS"},
		{"ambiguous, one set", "Port", map[string]string{"CACHE_PORT": "x"}, "CACHE_PORT"},
		{"ambiguous, both set", "Port", map[string]string{"CACHE_PORT": "x", "REDIS_PORT": "y"}, "REDIS_PORT or CACHE_PORT"},
		{"ambiguous, none set", "Port", nil, "REDIS_PORT or CACHE_PORT"},
		{"unknown falls back to the Go name", "Nope", nil, "Nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := idx.keyOf(tc.field, intType, tc.environment); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseMessageNeverShowsValue(t *testing.T) {
	err := errors.New(`strconv.Atoi: parsing "s3cr3t": invalid syntax`)
	for _, typ := range []reflect.Type{reflect.TypeFor[int](), reflect.TypeFor[*int](), reflect.TypeFor[bool](), reflect.TypeFor[[]int]()} {
		if msg := parseMessage(typ, err); strings.Contains(msg, "s3cr3t") {
			t.Errorf("%s: %q shows the value", typ, msg)
		}
	}
}

type requiredSettings struct {
	Settings
	Must  string `env:"SVC_MUST,required"`
	Full  string `env:"SVC_FULL,notEmpty"`
	FromF string `env:"SVC_FROM,file"`
}

func TestEnvTagOptionsBecomeProblems(t *testing.T) {
	m := withEnv(map[string]string{"SVC_FULL": "", "SVC_FROM": "/nonexistent/m8fx/from"})
	var dst requiredSettings
	ps := problemsOf(t, LoadInto(MapSource(m), &dst))
	for _, want := range []Problem{
		{"SVC_MUST", "is required"},
		{"SVC_FULL", "must not be empty"},
		{"SVC_FROM", "/nonexistent/m8fx/from"},
	} {
		if !findProblem(ps, want.Env, want.Message) {
			t.Errorf("missing %v in %v", want, ps)
		}
	}
}

type badTagSettings struct {
	Settings
	X string `env:"SVC_X,bogus"`
}

type noParserSettings struct {
	Settings
	C chan int `env:"SVC_CHAN"`
}

func TestLoadIntoProgrammingErrors(t *testing.T) {
	var bad badTagSettings
	err := LoadInto(MapSource(validEnv()), &bad)
	var ve *ValidationError
	if err == nil || errors.As(err, &ve) || !strings.Contains(err.Error(), "bogus") {
		t.Fatalf("want a plain error about the tag, got %v", err)
	}

	var np noParserSettings
	ps := problemsOf(t, LoadInto(MapSource(withEnv(map[string]string{"SVC_CHAN": "1"})), &np))
	if !findProblem(ps, "SVC_CHAN", "cannot parse") {
		t.Fatalf("got %v", ps)
	}
}
