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
	ps.checkRequestTimeout(s)
	ps.between("HTTP_MAX_HEADER_BYTES", s.HTTPMaxHeaderBytes, minHeaderBytes, maxHeaderBytes)
	if s.ShutdownDrainSeconds != nil {
		ps.between("SHUTDOWN_DRAIN_SECONDS", *s.ShutdownDrainSeconds, 0, maxShutdownDrainSecs)
	}
	ps.atLeast("HSTS_MAX_AGE", s.HSTSMaxAge, 0)
}

// checkRequestTimeout validates REQUEST_TIMEOUT_SECONDS: positive, and
// shorter than HTTP_WRITE_TIMEOUT_SECONDS. The write timeout closes the
// connection of a request that takes longer, so a deadline at or past it
// would leave the client without an answer (and a write it may retry).
func (ps *problems) checkRequestTimeout(s *Settings) {
	switch {
	case s.RequestTimeoutSeconds < 1:
		ps.atLeast("REQUEST_TIMEOUT_SECONDS", s.RequestTimeoutSeconds, 1)
	case s.HTTPWriteTimeoutSeconds >= 1 && s.RequestTimeoutSeconds >= s.HTTPWriteTimeoutSeconds:
		ps.add("REQUEST_TIMEOUT_SECONDS", "must be less than HTTP_WRITE_TIMEOUT_SECONDS (%d), so that a request past its deadline is still answered, got %d",
			s.HTTPWriteTimeoutSeconds, s.RequestTimeoutSeconds)
	}
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
