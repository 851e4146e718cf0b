package settingsmod

import "testing"

func TestCoreRules(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{name: "minimal map loads"},
		{name: "DOMAIN required", set: map[string]string{"DOMAIN": unset}, env: "DOMAIN", msg: "is required"},
		{name: "DOMAIN blank", set: map[string]string{"DOMAIN": "  "}, env: "DOMAIN", msg: "is required"},
		{name: "ENVIRONMENT required", set: map[string]string{"ENVIRONMENT": unset}, env: "ENVIRONMENT", msg: "is required"},
		{name: "ENVIRONMENT enum", set: map[string]string{"ENVIRONMENT": "prod"}, env: "ENVIRONMENT", msg: "must be one of local, development, staging, production"},
		{name: "ENVIRONMENT development", set: map[string]string{"ENVIRONMENT": "development"}},
		{name: "ENVIRONMENT staging", set: map[string]string{"ENVIRONMENT": "staging"}},
		{name: "PROJECT_NAME required", set: map[string]string{"PROJECT_NAME": unset}, env: "PROJECT_NAME", msg: "is required"},
		{name: "STACK_NAME required", set: map[string]string{"STACK_NAME": unset}, env: "STACK_NAME", msg: "is required"},
		{name: "API_PREFIX required", set: map[string]string{"API_PREFIX": unset}, env: "API_PREFIX", msg: "is required"},
		{name: "API_PREFIX leading slash", set: map[string]string{"API_PREFIX": "api"}, env: "API_PREFIX", msg: `must start with "/"`},
		{name: "API_PREFIX trailing slash", set: map[string]string{"API_PREFIX": "/api/"}, env: "API_PREFIX", msg: `not end with "/"`},
		{name: "API_PREFIX root", set: map[string]string{"API_PREFIX": "/"}, env: "API_PREFIX", msg: `must start with "/"`},
		{name: "API_PREFIX space", set: map[string]string{"API_PREFIX": "/a pi"}, env: "API_PREFIX", msg: "without spaces"},
		{name: "API_PREFIX query", set: map[string]string{"API_PREFIX": "/api?x"}, env: "API_PREFIX", msg: `"?"`},
		{name: "API_PREFIX fragment", set: map[string]string{"API_PREFIX": "/api#x"}, env: "API_PREFIX", msg: `"#"`},
		{name: "API_PREFIX nested ok", set: map[string]string{"API_PREFIX": "/api/v1"}},
		{name: "AUTH_PREFIX rule", set: map[string]string{"AUTH_PREFIX": "auth/"}, env: "AUTH_PREFIX", msg: `must start with "/"`},
		{name: "AUTH_PREFIX ok", set: map[string]string{"AUTH_PREFIX": "/identity"}},
		{name: "BACKEND_HOST required", set: map[string]string{"BACKEND_HOST": unset}, env: "BACKEND_HOST", msg: "is required"},
		{name: "BACKEND_HOST scheme", set: map[string]string{"BACKEND_HOST": "ftp://x.test"}, env: "BACKEND_HOST", msg: "http:// or https://"},
		{name: "BACKEND_HOST relative", set: map[string]string{"BACKEND_HOST": "localhost:8000"}, env: "BACKEND_HOST", msg: "http:// or https://"},
		{name: "BACKEND_HOST no host", set: map[string]string{"BACKEND_HOST": "http://"}, env: "BACKEND_HOST", msg: "must include a host"},
		{name: "FRONTEND_HOST required", set: map[string]string{"FRONTEND_HOST": unset}, env: "FRONTEND_HOST", msg: "is required"},
		{name: "FRONTEND_HOST not a URL", set: map[string]string{"FRONTEND_HOST": "http://[::1"}, env: "FRONTEND_HOST", msg: "not a valid URL"},
		{name: "FRONTEND_HOST bad port", set: map[string]string{"FRONTEND_HOST": "http://x.test:70000"}, env: "FRONTEND_HOST", msg: "port between 1 and 65535"},
		{name: "SELECTED_DB enum", set: map[string]string{"SELECTED_DB": "sqlite"}, env: "SELECTED_DB", msg: "must be one of Mysql, Postgres, Sqlite"},
		{name: "SELECTED_DB Postgres without DB_*", set: map[string]string{"SELECTED_DB": "Postgres"}},
		{name: "BACKEND_CORS_ORIGINS may be empty", set: map[string]string{"BACKEND_CORS_ORIGINS": ""}},
		{name: "CORS origins ok", set: map[string]string{"BACKEND_CORS_ORIGINS": "http://a.test,https://b.test:8443/,http://[::1]:3000"}},
		{name: "CORS wildcard", set: map[string]string{"BACKEND_CORS_ORIGINS": "*"}, env: "BACKEND_CORS_ORIGINS", msg: `must not be "*"`},
		{name: "CORS path", set: map[string]string{"BACKEND_CORS_ORIGINS": "http://a.test/app"}, env: "BACKEND_CORS_ORIGINS", msg: "item 1 must not have a path"},
		{name: "CORS query", set: map[string]string{"BACKEND_CORS_ORIGINS": "http://a.test,http://b.test?x=1"}, env: "BACKEND_CORS_ORIGINS", msg: "item 2 must not have a query"},
		{name: "CORS userinfo", set: map[string]string{"BACKEND_CORS_ORIGINS": "http://u:p@a.test"}, env: "BACKEND_CORS_ORIGINS", msg: "must not contain user info"},
		{name: "CORS scheme", set: map[string]string{"BACKEND_CORS_ORIGINS": "a.test"}, env: "BACKEND_CORS_ORIGINS", msg: "http:// or https://"},
	})
}
