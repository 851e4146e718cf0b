package settingsmod

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// rawSecret is the value of every Secret in these tests.
const rawSecret = "hunter2-raw-secret-value"

func TestSecretAccessors(t *testing.T) {
	tests := []struct {
		s     Secret
		value string
		set   bool
	}{
		{Secret(rawSecret), rawSecret, true},
		{"", "", false},
	}
	for _, tc := range tests {
		if tc.s.Value() != tc.value || tc.s.IsSet() != tc.set {
			t.Errorf("Value=%q IsSet=%v", tc.s.Value(), tc.s.IsSet())
		}
	}
	var s Secret
	if err := s.UnmarshalText([]byte(rawSecret)); err != nil || s.Value() != rawSecret {
		t.Fatalf("UnmarshalText: %q, %v", s.Value(), err)
	}
}

func TestSecretFmt(t *testing.T) {
	s := Secret(rawSecret)
	holder := struct {
		Name string
		Key  Secret
		Ptr  *Secret
	}{"n", s, &s}
	tests := []struct {
		name, got, want string
	}{
		{"String", s.String(), "***"},
		{"GoString", s.GoString(), "***"},
		{"%v", fmt.Sprintf("%v", s), "***"},
		{"%+v", fmt.Sprintf("%+v", s), "***"},
		{"%#v", fmt.Sprintf("%#v", s), "***"},
		{"%s", fmt.Sprintf("%s", s), "***"},
		{"%q", fmt.Sprintf("%q", s), `"***"`},
		{"%x", fmt.Sprintf("%x", s), "***"},
		{"%X", fmt.Sprintf("%X", s), "***"},
		{"%10s", fmt.Sprintf("%10s", s), "***"},
		{"%d", fmt.Sprintf("%d", s), "***"},
		{"pointer %v", fmt.Sprintf("%v", &s), "***"},
		{"Sprint", fmt.Sprint(s), "***"},
		{"Sprintln", fmt.Sprintln(s), "***\n"},
		{"struct %+v", fmt.Sprintf("%+v", holder), "{Name:n Key:*** Ptr:***}"},
		{"slice %v", fmt.Sprintf("%v", []Secret{s, s}), "[*** ***]"},
		{"map %v", fmt.Sprintf("%v", map[string]Secret{"k": s}), "map[k:***]"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if out := fmt.Sprintf("%#v", holder); strings.Contains(out, rawSecret) {
		t.Errorf("%%#v of a struct leaks: %s", out)
	}
}

func TestSecretMarshalling(t *testing.T) {
	s := Secret(rawSecret)
	type doc struct {
		Key  Secret            `json:"key" xml:"key"`
		Keys []Secret          `json:"keys" xml:"keys"`
		ByID map[string]Secret `json:"by_id" xml:"-"`
	}
	v := doc{Key: s, Keys: []Secret{s}, ByID: map[string]Secret{"a": s}}
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"key":"***","keys":["***"],"by_id":{"a":"***"}}`; string(js) != want {
		t.Errorf("json: got %s, want %s", js, want)
	}
	x, err := xml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	text, err := s.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"xml": string(x), "text": string(text)} {
		if strings.Contains(out, rawSecret) || !strings.Contains(out, "***") {
			t.Errorf("%s: %s", name, out)
		}
	}
}

func TestSecretZap(t *testing.T) {
	s := Secret(rawSecret)
	for _, enc := range []struct {
		name string
		new  func(zapcore.EncoderConfig) zapcore.Encoder
	}{
		{"json", zapcore.NewJSONEncoder},
		{"console", zapcore.NewConsoleEncoder},
	} {
		t.Run(enc.name, func(t *testing.T) {
			var buf bytes.Buffer
			core := zapcore.NewCore(enc.new(zap.NewProductionEncoderConfig()), zapcore.AddSync(&buf), zapcore.DebugLevel)
			log := zap.New(core)
			log.Info("secrets",
				zap.Any("any", s),
				zap.Stringer("stringer", s),
				zap.Reflect("reflect", s),
				zap.Any("struct", struct{ Key Secret }{s}),
				zap.Reflect("settings", Settings{AccessSecretKey: s}),
			)
			out := buf.String()
			if strings.Contains(out, rawSecret) {
				t.Fatalf("zap leaked the secret: %s", out)
			}
			if strings.Count(out, "***") < 5 {
				t.Fatalf("want *** for every field: %s", out)
			}
		})
	}
}

func TestSecretSlog(t *testing.T) {
	s := Secret(rawSecret)
	for _, h := range []struct {
		name string
		new  func(*bytes.Buffer) slog.Handler
	}{
		{"json", func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) }},
		{"text", func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) }},
	} {
		t.Run(h.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(h.new(&buf))
			log.Info("secrets", "kv", s, slog.Any("any", s), slog.Any("ptr", &s), slog.Group("g", "k", s))
			out := buf.String()
			if strings.Contains(out, rawSecret) {
				t.Fatalf("slog leaked the secret: %s", out)
			}
			if strings.Count(out, "***") < 4 {
				t.Fatalf("want *** for every attribute: %s", out)
			}
		})
	}
}
