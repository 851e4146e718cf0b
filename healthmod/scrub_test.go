package healthmod

import (
	"reflect"
	"testing"
)

func TestScrub(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"user and password", "dial postgres://app:p%40ss@db:5432/x failed", "dial postgres://***:***@db:5432/x failed"},
		{"password only", "redis://:pw@h", "redis://***:***@h"},
		{"user only", "amqp://guest@rabbit:5672/", "amqp://***:***@rabbit:5672/"},
		{"unescaped @ in password", "postgres://app:p@ss@db/x", "postgres://***:***@db/x"},
		{"several URLs",
			"primary mysql://root:a@m1:3306/db, replica mysql://ro:b@m2:3306/db down",
			"primary mysql://***:***@m1:3306/db, replica mysql://***:***@m2:3306/db down"},
		{"quoted URL", `cannot parse "mongodb+srv://u:p@cluster0/x"`, `cannot parse "mongodb+srv://***:***@cluster0/x"`},
		{"keyword DSN", "connect host=db user=app password=s3cret dbname=x", "connect host=db user=app password=*** dbname=x"},
		{"keyword DSN quoted", "password='a b' host=db", "password=*** host=db"},
		{"no credentials", "dial tcp 10.0.0.1:5432: connection refused", "dial tcp 10.0.0.1:5432: connection refused"},
		{"URL without userinfo", "GET https://api.example.com/v1?x=1 failed", "GET https://api.example.com/v1?x=1 failed"},
		{"@ in query is not userinfo", "GET http://host/path?email=a@b.c failed", "GET http://host/path?email=a@b.c failed"},
		{"@ after query mark", "GET http://host?email=a@b.c failed", "GET http://host?email=a@b.c failed"},
		{"@ in fragment", "http://host#a@b", "http://host#a@b"},
		{"e-mail address", "mail to ops@example.com failed", "mail to ops@example.com failed"},
		{"bare key=value", "retries=3 timeout=5s", "retries=3 timeout=5s"},
		{"already scrubbed", "postgres://***:***@db/x", "postgres://***:***@db/x"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Scrub(tt.in); got != tt.want {
				t.Errorf("Scrub(%q)\n got  %q\n want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSensitiveKey(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{"secret", true},
		{"client_secret", true},
		{"password", true},
		{"db_password", true},
		{"DB_PASSWORD", true},
		{"passwd", true},
		{"token", true},
		{"X-Auth-Token", true},
		{"api_key", true},
		{"API_KEY", true},
		{"api-key", true},
		{"apiKey", true},
		{"APIKey", true},
		{"access_key", true},
		{"aws_access_key_id", true},
		{"private_key", true},
		{"private_key_path", true},
		{"credential", true},
		{"dsn", true},
		{"DSN", true},
		{"database.dsn", true},
		{"dbPassword", true},
		// Only whole parts match.
		{"tokenizer", false},
		{"passwords", false},
		{"passwordless", false},
		{"credentials", false},
		{"secrets_count", false},
		{"dsname", false},
		{"apikey", false},
		{"key", false},
		{"api", false},
		{"key_api", false},
		{"private", false},
		{"host", false},
		{"pool_size", false},
		{"", false},
		{"___", false},
	}
	for _, tt := range tests {
		if got := SensitiveKey(tt.key); got != tt.want {
			t.Errorf("SensitiveKey(%q) = %v, want %v (parts %q)", tt.key, got, tt.want, keyParts(tt.key))
		}
	}
}

func TestScrubMeta(t *testing.T) {
	tests := []struct {
		name string
		in   map[string]any
		want map[string]any
	}{
		{"nil", nil, nil},
		{"empty", map[string]any{}, map[string]any{}},
		{"plain values kept",
			map[string]any{"pool": 5, "host": "db", "ok": true},
			map[string]any{"pool": 5, "host": "db", "ok": true}},
		{"sensitive keys redacted whatever the value",
			map[string]any{"db_password": "x", "API_KEY": 42, "dsn": nil, "private_key_path": "/k.pem", "tokenizer": "bpe"},
			map[string]any{"db_password": Redacted, "API_KEY": Redacted, "dsn": Redacted, "private_key_path": Redacted, "tokenizer": "bpe"}},
		{"string values scrubbed",
			map[string]any{"url": "postgres://app:pw@db/x"},
			map[string]any{"url": "postgres://***:***@db/x"}},
		{"nested maps",
			map[string]any{"primary": map[string]any{"password": "x", "url": "redis://:pw@h", "inner": map[string]any{"token": "t"}}},
			map[string]any{"primary": map[string]any{"password": Redacted, "url": "redis://***:***@h", "inner": map[string]any{"token": Redacted}}}},
		{"string maps and slices",
			map[string]any{
				"labels": map[string]string{"secret": "s", "zone": "a"},
				"urls":   []string{"amqp://u:p@r", "plain"},
				"items":  []any{"mysql://u:p@m/db", map[string]any{"passwd": "x"}, 7},
			},
			map[string]any{
				"labels": map[string]string{"secret": Redacted, "zone": "a"},
				"urls":   []string{"amqp://***:***@r", "plain"},
				"items":  []any{"mysql://***:***@m/db", map[string]any{"passwd": Redacted}, 7},
			}},
		{"nil nested values",
			map[string]any{"m": map[string]any(nil), "s": []any(nil), "ss": map[string]string(nil), "l": []string(nil)},
			map[string]any{"m": map[string]any(nil), "s": []any(nil), "ss": map[string]string(nil), "l": []string(nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ScrubMeta(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ScrubMeta() = %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestScrubMetaDoesNotMutateInput(t *testing.T) {
	inner := map[string]any{"password": "x", "url": "redis://:pw@h"}
	labels := map[string]string{"token": "t"}
	list := []any{"amqp://u:p@r"}
	strs := []string{"amqp://u:p@r"}
	in := map[string]any{"api_key": "k", "inner": inner, "labels": labels, "list": list, "strs": strs}

	out := ScrubMeta(in)

	wantIn := map[string]any{
		"api_key": "k",
		"inner":   map[string]any{"password": "x", "url": "redis://:pw@h"},
		"labels":  map[string]string{"token": "t"},
		"list":    []any{"amqp://u:p@r"},
		"strs":    []string{"amqp://u:p@r"},
	}
	if !reflect.DeepEqual(in, wantIn) {
		t.Fatalf("input changed: %#v", in)
	}
	// The output shares nothing mutable with the input.
	out["inner"].(map[string]any)["x"] = 1
	out["labels"].(map[string]string)["x"] = "1"
	out["list"].([]any)[0] = "changed"
	out["strs"].([]string)[0] = "changed"
	if !reflect.DeepEqual(in, wantIn) {
		t.Fatalf("output aliases input: %#v", in)
	}
}

func TestKeyParts(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"db_password", []string{"db", "password"}},
		{"API_KEY", []string{"api", "key"}},
		{"APIKey", []string{"api", "key"}},
		{"dbPassword2", []string{"db", "password2"}},
		{"s3Secret", []string{"s3", "secret"}},
		{"x-auth.token value", []string{"x", "auth", "token", "value"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := keyParts(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("keyParts(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
