package devissuer

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseClaim(t *testing.T) {
	tests := []struct {
		in    string
		name  string
		value any
		err   string
	}{
		{in: "dept=sales", name: "dept", value: "sales"},
		{in: "level=3", name: "level", value: int64(3)},
		{in: "ratio=0.5", name: "ratio", value: 0.5},
		{in: "beta=true", name: "beta", value: true},
		{in: "beta=false", name: "beta", value: false},
		{in: "x=null", name: "x", value: nil},
		{in: `perms=["a","b"]`, name: "perms", value: []any{"a", "b"}},
		{in: `meta={"k":1}`, name: "meta", value: map[string]any{"k": json.Number("1")}},
		{in: `q="3"`, name: "q", value: "3"},
		{in: "empty=", name: "empty", value: ""},
		{in: "inf=Inf", name: "inf", value: "Inf"},
		{in: "hex=0x10", name: "hex", value: "0x10"},
		{in: "a=b=c", name: "a", value: "b=c"},
		{in: "novalue", err: "want name=value"},
		{in: "=3", err: "want name=value"},
		{in: `bad={"k":`, err: "not valid JSON"},
		{in: `two=[1] [2]`, err: "not valid JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			name, value, err := ParseClaim(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || name != tc.name || !reflect.DeepEqual(value, tc.value) {
				t.Fatalf("= %q %#v %v, want %q %#v", name, value, err, tc.name, tc.value)
			}
		})
	}
}

func TestBuildClaims(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	c, err := TokenSpec{Sub: "6F1C2B9E-4D3A-4F5B-9C8D-7E6F5A4B3C2D", Role: "Editor", TTL: time.Hour}.BuildClaims(now, "iss", "aud")
	if err != nil {
		t.Fatal(err)
	}
	if c["sub"] != "6f1c2b9e-4d3a-4f5b-9c8d-7e6f5a4b3c2d" || c["role"] != "editor" || c["exp"] != now.Add(time.Hour).Unix() ||
		c["iat"] != now.Unix() || c["nbf"] != now.Unix() || c["full_name"] != nil || c["tenant_id"] != nil || c["is_active"] != true {
		t.Errorf("claims %v", c)
	}
	for _, bad := range []TokenSpec{{Sub: "42"}, {Role: "a b"}, {TTL: 48 * time.Hour}, {TenantID: "x"}, {Claims: map[string]any{"jti": "x"}}} {
		if _, err := bad.BuildClaims(now, "", ""); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
