package healthmod

import (
	"reflect"
	"testing"
	"time"

	"github.com/m8fx/kit/settingsmod"
)

func TestDefaultConfig(t *testing.T) {
	got := DefaultConfig()
	want := Config{Timeout: 500 * time.Millisecond, Policy: PolicyLenient, CacheTTL: 2 * time.Second}
	if got.DetailAuthorizer != nil {
		t.Fatal("DetailAuthorizer is set")
	}
	got.DetailAuthorizer = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DefaultConfig() = %+v, want %+v", got, want)
	}
}

func TestConfigFromSettings(t *testing.T) {
	tests := []struct {
		name        string
		s           *settingsmod.Settings
		wantName    string
		wantVersion string
	}{
		{"from settings", &settingsmod.Settings{ProjectName: "Item Service", ServiceVersion: "1.0.0"}, "Item Service", "1.0.0"},
		{"empty settings", &settingsmod.Settings{}, "", ""},
		{"nil settings", nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ConfigFromSettings(tt.s)
			want := DefaultConfig()
			want.ServiceName, want.ServiceVersion = tt.wantName, tt.wantVersion
			if got.DetailAuthorizer != nil || got.Timeout != want.Timeout || got.Policy != want.Policy ||
				got.DetailPublic != want.DetailPublic || got.CacheTTL != want.CacheTTL ||
				got.ServiceName != want.ServiceName || got.ServiceVersion != want.ServiceVersion {
				t.Errorf("ConfigFromSettings() = %+v, want %+v", got, want)
			}
		})
	}
}

func TestConfigEffectiveValues(t *testing.T) {
	tests := []struct {
		name        string
		cfg         Config
		wantTimeout time.Duration
		wantTTL     time.Duration
	}{
		{"zero value", Config{}, DefaultTimeout, 0},
		{"negative", Config{Timeout: -time.Second, CacheTTL: -time.Second}, DefaultTimeout, 0},
		{"set", Config{Timeout: 20 * time.Millisecond, CacheTTL: time.Minute}, 20 * time.Millisecond, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.timeout(); got != tt.wantTimeout {
				t.Errorf("timeout() = %v, want %v", got, tt.wantTimeout)
			}
			if got := tt.cfg.cacheTTL(); got != tt.wantTTL {
				t.Errorf("cacheTTL() = %v, want %v", got, tt.wantTTL)
			}
			if got := NewRunner(tt.cfg, nil); got.timeout != tt.wantTimeout || got.ttl != tt.wantTTL {
				t.Errorf("NewRunner uses timeout %v ttl %v, want %v %v", got.timeout, got.ttl, tt.wantTimeout, tt.wantTTL)
			}
		})
	}
}
