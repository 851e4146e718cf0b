package settingsmod

// Settings is the typed configuration of an m8fx consumer service.
//
// Every field maps to one environment variable (its `env` tag); the names are
// the fastapi-m8 names so that one .env file serves both kits. Defaults are in
// the `envDefault` tags. Secrets are of type [Secret] and never print.
//
// A service adds its own settings by embedding Settings in its own struct:
//
//	type ServiceSettings struct {
//		settingsmod.Settings
//		PageSize int `env:"PAGE_SIZE" envDefault:"50"`
//	}
//
// and loading it with [LoadInto] or providing it with [Provide].
type Settings struct {
	// Core / network.
	Domain             string   `env:"DOMAIN"`
	Environment        string   `env:"ENVIRONMENT"`
	ProjectName        string   `env:"PROJECT_NAME"`
	StackName          string   `env:"STACK_NAME"`
	APIPrefix          string   `env:"API_PREFIX"`
	AuthPrefix         string   `env:"AUTH_PREFIX" envDefault:"/auth"`
	BackendHost        string   `env:"BACKEND_HOST"`
	FrontendHost       string   `env:"FRONTEND_HOST"`
	BackendCORSOrigins []string `env:"BACKEND_CORS_ORIGINS" envSeparator:","`
	ServiceVersion     string   `env:"SERVICE_VERSION" envDefault:"0.0.0-dev"`

	// Service metadata ({API_PREFIX}/meta). ContractName is
	// PROJECT_NAME when unset (see EffectiveContractName).
	APIVersion      string `env:"API_VERSION" envDefault:"v1"`
	ContractName    string `env:"CONTRACT_NAME"`
	ContractVersion string `env:"CONTRACT_VERSION"`
	ContractRange   string `env:"CONTRACT_RANGE"`

	// Tokens and cryptography.
	TokenMode                   string `env:"TOKEN_MODE" envDefault:"stateful"`
	AuthServiceRole             string `env:"AUTH_SERVICE_ROLE" envDefault:"consumer"`
	AccessTokenAlgorithm        string `env:"ACCESS_TOKEN_ALGORITHM" envDefault:"RS256"`
	AccessPublicKeyFile         string `env:"ACCESS_PUBLIC_KEY_FILE"`
	JWKSURI                     string `env:"JWKS_URI"`
	JWKSCacheTTLSeconds         int    `env:"JWKS_CACHE_TTL_SECONDS" envDefault:"300"`
	AccessSecretKey             Secret `env:"ACCESS_SECRET_KEY"`
	RefreshSecretKey            Secret `env:"REFRESH_SECRET_KEY"`
	AccessTokenExpireMinutes    int    `env:"ACCESS_TOKEN_EXPIRE_MINUTES" envDefault:"30"`
	RefreshTokenExpireMinutes   int    `env:"REFRESH_TOKEN_EXPIRE_MINUTES" envDefault:"120"`
	TokenStrictValidation       bool   `env:"TOKEN_STRICT_VALIDATION" envDefault:"true"`
	TokenIssuer                 string `env:"TOKEN_ISSUER"`
	TokenAudience               string `env:"TOKEN_AUDIENCE"`
	TokenLeewaySeconds          *int   `env:"TOKEN_LEEWAY_SECONDS"`
	EventSigningEnabled         bool   `env:"EVENT_SIGNING_ENABLED" envDefault:"true"`
	EventSigningKey             Secret `env:"EVENT_SIGNING_KEY"`
	IntrospectionURL            string `env:"INTROSPECTION_URL"`
	PrivateAPISecret            Secret `env:"PRIVATE_API_SECRET"`
	RevocationCacheTTLSeconds   int    `env:"REVOCATION_CACHE_TTL_SECONDS" envDefault:"0"`
	AccessRevocationFailureMode string `env:"ACCESS_REVOCATION_FAILURE_MODE" envDefault:"fail_closed"`
	AllowInternalHTTP           bool   `env:"ALLOW_INTERNAL_HTTP" envDefault:"false"`

	// Private calls to the auth service (fa-auth-m8): how they are
	// authenticated (INTERNAL_CLIENT_ID unset: the development-only legacy
	// X-Internal-Token; set: bootstrap headers, or service tokens when
	// SERVICE_TOKEN_EXCHANGE_ENABLED=true), and its event stream.
	InternalClientID                 string   `env:"INTERNAL_CLIENT_ID"`
	ServiceTokenExchangeEnabled      bool     `env:"SERVICE_TOKEN_EXCHANGE_ENABLED" envDefault:"false"`
	ServiceTokenScopes               []string `env:"SERVICE_TOKEN_SCOPES" envSeparator:"," envDefault:"introspection"`
	ServiceTokenRefreshLeewaySeconds int      `env:"SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS" envDefault:"30"`
	// RevocationCachePrivilegedBypass makes guards at writer level and above
	// skip the positive revocation cache (a fresh check for every
	// privileged request).
	RevocationCachePrivilegedBypass bool `env:"REVOCATION_CACHE_PRIVILEGED_BYPASS" envDefault:"true"`
	EventStreamEnabled              bool `env:"EVENT_STREAM_ENABLED" envDefault:"false"`
	// EventStreamConnectTimeoutSeconds and EventStreamReadTimeoutSeconds are
	// numbers of seconds, fractions allowed (the upstream names carry no
	// _SECONDS suffix).
	EventStreamConnectTimeoutSeconds float64 `env:"EVENT_STREAM_CONNECT_TIMEOUT" envDefault:"5"`
	EventStreamReadTimeoutSeconds    float64 `env:"EVENT_STREAM_READ_TIMEOUT" envDefault:"60"`
	// EventStreamRequired marks the event stream as required rather than an
	// accelerator; what that changes is up to the module that runs the
	// stream.
	EventStreamRequired bool `env:"EVENT_STREAM_REQUIRED" envDefault:"false"`

	// API-key principals (X-API-Key), introspected at the auth service on
	// every request. The timeouts and the circuit reset are numbers of
	// seconds, fractions allowed.
	APIKeyIntrospectionEnabled                 bool    `env:"API_KEY_INTROSPECTION_ENABLED" envDefault:"false"`
	APIKeyIntrospectionURL                     string  `env:"API_KEY_INTROSPECTION_URL"`
	APIKeyIntrospectionConnectTimeoutSeconds   float64 `env:"API_KEY_INTROSPECTION_CONNECT_TIMEOUT" envDefault:"2"`
	APIKeyIntrospectionReadTimeoutSeconds      float64 `env:"API_KEY_INTROSPECTION_READ_TIMEOUT" envDefault:"3"`
	APIKeyIntrospectionPoolTimeoutSeconds      float64 `env:"API_KEY_INTROSPECTION_POOL_TIMEOUT" envDefault:"2"`
	APIKeyIntrospectionMaxConcurrency          int     `env:"API_KEY_INTROSPECTION_MAX_CONCURRENCY" envDefault:"20"`
	APIKeyIntrospectionMaxResponseBytes        int     `env:"API_KEY_INTROSPECTION_MAX_RESPONSE_BYTES" envDefault:"8192"`
	APIKeyIntrospectionSchemaVersion           string  `env:"API_KEY_INTROSPECTION_SCHEMA_VERSION" envDefault:"1"`
	APIKeyIntrospectionCircuitFailureThreshold int     `env:"API_KEY_INTROSPECTION_CIRCUIT_FAILURE_THRESHOLD" envDefault:"5"`
	APIKeyIntrospectionCircuitResetSeconds     float64 `env:"API_KEY_INTROSPECTION_CIRCUIT_RESET_SECONDS" envDefault:"30"`

	// Database (validated only when dbmod is part of the app).
	SelectedDB               string `env:"SELECTED_DB" envDefault:"Sqlite"`
	DatabaseURL              Secret `env:"DATABASE_URL"`
	DBHost                   string `env:"DB_HOST"`
	DBPort                   int    `env:"DB_PORT"`
	DBDatabase               string `env:"DB_DATABASE"`
	DBUser                   string `env:"DB_USER"`
	DBPassword               Secret `env:"DB_PASSWORD"`
	TablesPrefix             string `env:"TABLES_PREFIX" envDefault:"app"`
	DBMaxOpenConns           int    `env:"DB_MAX_OPEN_CONNS" envDefault:"10"`
	DBMaxIdleConns           int    `env:"DB_MAX_IDLE_CONNS" envDefault:"5"`
	DBConnMaxLifetimeSeconds int    `env:"DB_CONN_MAX_LIFETIME_SECONDS" envDefault:"240"`
	DBConnMaxIdleTimeSeconds int    `env:"DB_CONN_MAX_IDLE_TIME_SECONDS" envDefault:"60"`
	DBConnectTimeoutSeconds  int    `env:"DB_CONNECT_TIMEOUT_SECONDS" envDefault:"5"`

	// Observability.
	LogLevel                string   `env:"LOG_LEVEL" envDefault:"info"`
	LogFormat               string   `env:"LOG_FORMAT"`
	MetricsEnabled          bool     `env:"METRICS_ENABLED" envDefault:"false"`
	MetricsGroups           []string `env:"METRICS_GROUPS" envSeparator:"," envDefault:"all"`
	MetricsScrapeCredential Secret   `env:"METRICS_SCRAPE_CREDENTIAL"`
	HealthDetailCredential  Secret   `env:"HEALTH_DETAIL_CREDENTIAL"`

	// OpenTelemetry tracing, by the standard OTEL_* names (see
	// [Settings.Tracing]). Tracing is off unless an exporter or an OTLP
	// endpoint is set.
	OtelSDKDisabled                bool     `env:"OTEL_SDK_DISABLED" envDefault:"false"`
	OtelTracesExporter             string   `env:"OTEL_TRACES_EXPORTER"`
	OtelExporterOTLPEndpoint       string   `env:"OTEL_EXPORTER_OTLP_ENDPOINT"`
	OtelExporterOTLPTracesEndpoint string   `env:"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"`
	OtelExporterOTLPProtocol       string   `env:"OTEL_EXPORTER_OTLP_PROTOCOL" envDefault:"http/protobuf"`
	OtelExporterOTLPHeaders        Secret   `env:"OTEL_EXPORTER_OTLP_HEADERS"`
	OtelTracesSampler              string   `env:"OTEL_TRACES_SAMPLER" envDefault:"parentbased_traceidratio"`
	OtelTracesSamplerArg           string   `env:"OTEL_TRACES_SAMPLER_ARG"`
	OtelServiceName                string   `env:"OTEL_SERVICE_NAME"`
	OtelResourceAttributes         string   `env:"OTEL_RESOURCE_ATTRIBUTES"`
	OtelHTTPServerRequestHeaders   []string `env:"OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS" envSeparator:","`

	// OpenAPI / docs.
	SetOpenAPI            bool `env:"SET_OPEN_API" envDefault:"true"`
	SetDocs               bool `env:"SET_DOCS" envDefault:"true"`
	SetRedoc              bool `env:"SET_REDOC" envDefault:"true"`
	ServeDocsInProduction bool `env:"SERVE_DOCS_IN_PRODUCTION" envDefault:"false"`

	// Security / host validation / response headers.
	StrictProductionMode   bool     `env:"STRICT_PRODUCTION_MODE" envDefault:"false"`
	AllowedHosts           []string `env:"ALLOWED_HOSTS" envSeparator:","`
	SecurityHeadersEnabled bool     `env:"SECURITY_HEADERS_ENABLED" envDefault:"true"`
	HSTSMaxAge             int      `env:"HSTS_MAX_AGE" envDefault:"31536000"`
	HSTSIncludeSubdomains  bool     `env:"HSTS_INCLUDE_SUBDOMAINS" envDefault:"true"`
	ContentSecurityPolicy  string   `env:"CONTENT_SECURITY_POLICY" envDefault:"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"`
	ReferrerPolicy         string   `env:"REFERRER_POLICY" envDefault:"strict-origin-when-cross-origin"`
	PermissionsPolicy      string   `env:"PERMISSIONS_POLICY" envDefault:"accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"`
	// TrustedHostsExemptProbes lets {API_PREFIX}/health/live and /health/ready
	// through the ALLOWED_HOSTS check (kubelet probes use the pod IP as Host).
	TrustedHostsExemptProbes bool `env:"TRUSTED_HOSTS_EXEMPT_PROBES" envDefault:"true"`

	// HTTP server.
	HTTPAddr                     string `env:"HTTP_ADDR" envDefault:"0.0.0.0:8000"`
	HTTPReadHeaderTimeoutSeconds int    `env:"HTTP_READ_HEADER_TIMEOUT_SECONDS" envDefault:"5"`
	HTTPReadTimeoutSeconds       int    `env:"HTTP_READ_TIMEOUT_SECONDS" envDefault:"30"`
	HTTPWriteTimeoutSeconds      int    `env:"HTTP_WRITE_TIMEOUT_SECONDS" envDefault:"35"`
	HTTPIdleTimeoutSeconds       int    `env:"HTTP_IDLE_TIMEOUT_SECONDS" envDefault:"120"`
	HTTPMaxHeaderBytes           int    `env:"HTTP_MAX_HEADER_BYTES" envDefault:"65536"`
	// RequestTimeoutSeconds is the deadline of every request's context (a
	// route may set its own with httpmod.Timeout); it must be shorter than
	// the write timeout, so that its 503 is written before the server
	// gives up on the connection.
	RequestTimeoutSeconds int `env:"REQUEST_TIMEOUT_SECONDS" envDefault:"30"`
	// ShutdownDrainSeconds is nil when unset: 0 in local, 5 elsewhere.
	ShutdownDrainSeconds *int `env:"SHUTDOWN_DRAIN_SECONDS"`
}

// Base returns s itself. It is promoted to every struct that embeds Settings,
// which is how [LoadInto] and [Provide] find the kit's part of a service's
// own settings type.
func (s *Settings) Base() *Settings { return s }
