package settingsmod

import (
	"net"
	"strconv"
)

// checkObservability validates logging and metrics settings.
func (ps *problems) checkObservability(s *Settings) {
	ps.oneOf("LOG_LEVEL", s.LogLevel, logLevels)
	if s.LogFormat != "" {
		ps.oneOf("LOG_FORMAT", s.LogFormat, logFormats)
	}
	for _, g := range s.MetricsGroups {
		ps.oneOf("METRICS_GROUPS", g, metricsGroups)
	}
}

// checkHTTPServer validates the listener, timeouts and header settings.
func (ps *problems) checkHTTPServer(s *Settings) {
	if err := checkHostPort(s.HTTPAddr); err != "" {
		ps.add("HTTP_ADDR", "%s", err)
	}
	ps.atLeast("HTTP_READ_HEADER_TIMEOUT_SECONDS", s.HTTPReadHeaderTimeoutSeconds, 1)
	ps.atLeast("HTTP_READ_TIMEOUT_SECONDS", s.HTTPReadTimeoutSeconds, 1)
	ps.atLeast("HTTP_WRITE_TIMEOUT_SECONDS", s.HTTPWriteTimeoutSeconds, 1)
	ps.atLeast("HTTP_IDLE_TIMEOUT_SECONDS", s.HTTPIdleTimeoutSeconds, 1)
	ps.between("HTTP_MAX_HEADER_BYTES", s.HTTPMaxHeaderBytes, minHeaderBytes, maxHeaderBytes)
	if s.ShutdownDrainSeconds != nil {
		ps.between("SHUTDOWN_DRAIN_SECONDS", *s.ShutdownDrainSeconds, 0, maxShutdownDrainSecs)
	}
	ps.atLeast("HSTS_MAX_AGE", s.HSTSMaxAge, 0)
}

// checkHostPort returns what is wrong with a host:port listen address, or "".
func checkHostPort(addr string) string {
	const want = `must be host:port with a numeric port 0-65535, e.g. "0.0.0.0:8000" or ":8000"`
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return want + ", got " + strconv.Quote(addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return want + ", got " + strconv.Quote(addr)
	}
	return ""
}
