package httpmod

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestMetricsPrefix(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/api", "api_"},
		{"/v1/svc", "v1_svc_"},
		{"/my-api", "my_api_"},
		{"/api/v2.1", "api_v2_1_"},
		{"/Items_API", "Items_API_"},
		{"/1api", "_1api_"},
		{"", ""},
		{"/", ""},
		{"api/", "api_"},
	}
	for _, tt := range tests {
		if got := MetricsPrefix(tt.in); got != tt.want {
			t.Errorf("MetricsPrefix(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNewMetricsOwnRegistry(t *testing.T) {
	s := testSettings()
	a, err := NewMetrics(MetricsConfigFromSettings(s))
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewMetrics(MetricsConfigFromSettings(s))
	if err != nil {
		t.Fatal(err)
	}
	if a.Registry() == b.Registry() || prometheus.Registerer(a.Registry()) == prometheus.DefaultRegisterer {
		t.Fatal("registries must be per app, never the default one")
	}
	families, err := a.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	var goRuntime, process bool
	for _, f := range families {
		goRuntime = goRuntime || f.GetName() == "go_goroutines"
		process = process || strings.HasPrefix(f.GetName(), "process_")
	}
	if !goRuntime || !process {
		t.Fatalf("go runtime %v, process %v collectors missing", goRuntime, process)
	}
	if a.Prefix() != "api_" || a.Name("x_total") != "api_x_total" {
		t.Fatalf("prefix %q name %q", a.Prefix(), a.Name("x_total"))
	}
}

func TestMetricsRegister(t *testing.T) {
	newCounter := func() prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: "svc_jobs_total", Help: "Jobs."})
	}
	m, err := NewMetrics(MetricsConfigFromSettings(testSettings()), newCounter())
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Register(newCounter()); err == nil || !strings.Contains(err.Error(), "svc_jobs_total") {
		t.Fatalf("duplicate Register = %v", err)
	}
	if _, err := NewMetrics(MetricsConfigFromSettings(testSettings()), newCounter(), newCounter()); err == nil {
		t.Fatal("NewMetrics with two identical collectors must fail")
	}
}

func TestMetricsSwitches(t *testing.T) {
	tests := []struct {
		name    string
		enabled bool
		groups  []string
		group   string
		want    bool
	}{
		{"disabled", false, []string{"all"}, "auth", false},
		{"all", true, []string{"all"}, "auth", true},
		{"listed", true, []string{"traffic", "auth"}, "auth", true},
		{"not listed", true, []string{"traffic"}, "auth", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSettings()
			s.MetricsEnabled, s.MetricsGroups = tt.enabled, tt.groups
			m, err := NewMetrics(MetricsConfigFromSettings(s))
			if err != nil {
				t.Fatal(err)
			}
			if m.Enabled() != tt.enabled || m.GroupEnabled(tt.group) != tt.want {
				t.Fatalf("Enabled %v GroupEnabled(%q) %v", m.Enabled(), tt.group, m.GroupEnabled(tt.group))
			}
		})
	}
}
