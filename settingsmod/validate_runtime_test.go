package settingsmod

import "testing"

func TestObservabilityRules(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{name: "LOG_LEVEL enum", set: map[string]string{"LOG_LEVEL": "trace"}, env: "LOG_LEVEL", msg: "debug, info, warn, error"},
		{name: "LOG_LEVEL debug", set: map[string]string{"LOG_LEVEL": "debug"}},
		{name: "LOG_FORMAT enum", set: map[string]string{"LOG_FORMAT": "text"}, env: "LOG_FORMAT", msg: "json, console"},
		{name: "LOG_FORMAT console", set: map[string]string{"LOG_FORMAT": "console"}},
		{name: "LOG_FORMAT empty", set: map[string]string{"LOG_FORMAT": ""}},
		{name: "METRICS_GROUPS member", set: map[string]string{"METRICS_GROUPS": "traffic,latency"}, env: "METRICS_GROUPS", msg: `traffic, performance, reliability, health, auth, all, got "latency"`},
		{name: "METRICS_GROUPS ok", set: map[string]string{"METRICS_GROUPS": "traffic, performance,reliability,health,auth"}},
	})
}

func TestHTTPServerRules(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{name: "HTTP_ADDR no port", set: map[string]string{"HTTP_ADDR": "localhost"}, env: "HTTP_ADDR", msg: "must be host:port"},
		{name: "HTTP_ADDR named port", set: map[string]string{"HTTP_ADDR": ":http"}, env: "HTTP_ADDR", msg: "numeric port"},
		{name: "HTTP_ADDR port range", set: map[string]string{"HTTP_ADDR": ":65536"}, env: "HTTP_ADDR", msg: "0-65535"},
		{name: "HTTP_ADDR empty port", set: map[string]string{"HTTP_ADDR": "127.0.0.1:"}, env: "HTTP_ADDR", msg: "host:port"},
		{name: "HTTP_ADDR port only", set: map[string]string{"HTTP_ADDR": ":8080"}},
		{name: "HTTP_ADDR random port", set: map[string]string{"HTTP_ADDR": "127.0.0.1:0"}},
		{name: "HTTP_ADDR IPv6", set: map[string]string{"HTTP_ADDR": "[::1]:8000"}},
		{name: "read header timeout", set: map[string]string{"HTTP_READ_HEADER_TIMEOUT_SECONDS": "0"}, env: "HTTP_READ_HEADER_TIMEOUT_SECONDS", msg: "at least 1"},
		{name: "read timeout", set: map[string]string{"HTTP_READ_TIMEOUT_SECONDS": "0"}, env: "HTTP_READ_TIMEOUT_SECONDS", msg: "at least 1"},
		{name: "write timeout", set: map[string]string{"HTTP_WRITE_TIMEOUT_SECONDS": "-5"}, env: "HTTP_WRITE_TIMEOUT_SECONDS", msg: "at least 1"},
		{name: "request timeout zero", set: map[string]string{"REQUEST_TIMEOUT_SECONDS": "0"}, env: "REQUEST_TIMEOUT_SECONDS", msg: "at least 1, got 0"},
		{name: "request timeout negative", set: map[string]string{"REQUEST_TIMEOUT_SECONDS": "-3"}, env: "REQUEST_TIMEOUT_SECONDS", msg: "at least 1, got -3"},
		{name: "request timeout equal to the write timeout", set: map[string]string{"REQUEST_TIMEOUT_SECONDS": "10", "HTTP_WRITE_TIMEOUT_SECONDS": "10"},
			env: "REQUEST_TIMEOUT_SECONDS", msg: "must be less than HTTP_WRITE_TIMEOUT_SECONDS (10), so that a request past its deadline is still answered, got 10"},
		{name: "request timeout past the write timeout", set: map[string]string{"HTTP_WRITE_TIMEOUT_SECONDS": "5"},
			env: "REQUEST_TIMEOUT_SECONDS", msg: "less than HTTP_WRITE_TIMEOUT_SECONDS (5)"},
		{name: "request timeout below the write timeout", set: map[string]string{"REQUEST_TIMEOUT_SECONDS": "4", "HTTP_WRITE_TIMEOUT_SECONDS": "5"}},
		{name: "request timeout 1", set: map[string]string{"REQUEST_TIMEOUT_SECONDS": "1", "HTTP_WRITE_TIMEOUT_SECONDS": "2"}},
		{name: "idle timeout", set: map[string]string{"HTTP_IDLE_TIMEOUT_SECONDS": "0"}, env: "HTTP_IDLE_TIMEOUT_SECONDS", msg: "at least 1"},
		{name: "max header bytes low", set: map[string]string{"HTTP_MAX_HEADER_BYTES": "4095"}, env: "HTTP_MAX_HEADER_BYTES", msg: "between 4096 and 1048576"},
		{name: "max header bytes high", set: map[string]string{"HTTP_MAX_HEADER_BYTES": "1048577"}, env: "HTTP_MAX_HEADER_BYTES", msg: "between 4096 and 1048576"},
		{name: "max header bytes bounds", set: map[string]string{"HTTP_MAX_HEADER_BYTES": "4096"}},
		{name: "SHUTDOWN_DRAIN_SECONDS negative", set: map[string]string{"SHUTDOWN_DRAIN_SECONDS": "-1"}, env: "SHUTDOWN_DRAIN_SECONDS", msg: "between 0 and 60"},
		{name: "SHUTDOWN_DRAIN_SECONDS too big", set: map[string]string{"SHUTDOWN_DRAIN_SECONDS": "61"}, env: "SHUTDOWN_DRAIN_SECONDS", msg: "between 0 and 60"},
		{name: "SHUTDOWN_DRAIN_SECONDS 60", set: map[string]string{"SHUTDOWN_DRAIN_SECONDS": "60"}},
		{name: "HSTS_MAX_AGE negative", set: map[string]string{"HSTS_MAX_AGE": "-1"}, env: "HSTS_MAX_AGE", msg: "at least 0"},
		{name: "HSTS_MAX_AGE 0", set: map[string]string{"HSTS_MAX_AGE": "0"}},
	})
}

func TestCheckHostPort(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"0.0.0.0:8000", true},
		{":0", true},
		{"[::]:65535", true},
		{"", false},
		{"8000", false},
		{":-1", false},
		{"a:b:c", false},
	}
	for _, tc := range tests {
		if got := checkHostPort(tc.addr) == ""; got != tc.ok {
			t.Errorf("checkHostPort(%q) ok=%v, want %v", tc.addr, got, tc.ok)
		}
	}
}
