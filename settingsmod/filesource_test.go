package settingsmod

import (
	"strings"
	"testing"
)

func TestApplyFileSources(t *testing.T) {
	secretPath := writeFile(t, "secret", "  from-file \n")
	emptyPath := writeFile(t, "empty", "\n")
	tests := []struct {
		name        string
		environment map[string]string
		keys        []string
		want        map[string]string
		problemEnv  string
		unknown     string
	}{
		{
			name:        "file wins over the variable",
			environment: map[string]string{"A": "env", "A_FILE": secretPath},
			keys:        []string{"A"},
			want:        map[string]string{"A": "from-file"},
		},
		{
			name:        "empty NAME_FILE is ignored",
			environment: map[string]string{"A": "env", "A_FILE": ""},
			keys:        []string{"A"},
			want:        map[string]string{"A": "env"},
		},
		{
			name:        "empty file gives an empty value",
			environment: map[string]string{"A": "env", "A_FILE": emptyPath},
			keys:        []string{"A"},
			want:        map[string]string{"A": ""},
		},
		{
			name:        "only keys have a file form",
			environment: map[string]string{"OTHER_FILE": secretPath},
			keys:        []string{"A"},
			want:        map[string]string{"OTHER": ""},
		},
		{
			name:        "a key ending in _FILE is not the file form of another key",
			environment: map[string]string{"KEY_FILE": secretPath, "KEY": "env"},
			keys:        []string{"KEY", "KEY_FILE"},
			want:        map[string]string{"KEY": "env", "KEY_FILE": secretPath},
		},
		{
			name:        "a key ending in _FILE has its own file form",
			environment: map[string]string{"KEY_FILE_FILE": secretPath},
			keys:        []string{"KEY_FILE"},
			want:        map[string]string{"KEY_FILE": "from-file"},
		},
		{
			name:        "missing file is a problem naming NAME_FILE",
			environment: map[string]string{"A": "env", "A_FILE": "/nonexistent/m8fx/secret"},
			keys:        []string{"A"},
			want:        map[string]string{"A": "env"},
			problemEnv:  "A_FILE",
			unknown:     "A",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps, unknown := applyFileSources(tc.environment, tc.keys)
			for k, v := range tc.want {
				if tc.environment[k] != v {
					t.Errorf("%s = %q, want %q", k, tc.environment[k], v)
				}
			}
			if tc.problemEnv == "" {
				if len(ps) != 0 {
					t.Fatalf("unexpected problems %v", ps)
				}
				return
			}
			if len(ps) != 1 || ps[0].Env != tc.problemEnv || !strings.Contains(ps[0].Message, "/nonexistent/m8fx/secret") {
				t.Fatalf("want one problem for %s naming the path, got %v", tc.problemEnv, ps)
			}
			if !unknown[tc.unknown] {
				t.Fatalf("%s not marked unknown: %v", tc.unknown, unknown)
			}
		})
	}
}

func TestLoadSecretFromFile(t *testing.T) {
	key := "file-secret-0123456789abcdef-0123456789"
	m := withEnv(map[string]string{
		"ACCESS_SECRET_KEY":      unset,
		"ACCESS_SECRET_KEY_FILE": writeFile(t, "key", key+"\n"),
	})
	if got := mustLoad(t, m).AccessSecretKey.Value(); got != key {
		t.Fatalf("got %q", got)
	}
}

func TestLoadMissingSecretFile(t *testing.T) {
	m := withEnv(map[string]string{
		"ACCESS_SECRET_KEY":      unset,
		"ACCESS_SECRET_KEY_FILE": "/nonexistent/m8fx/access-key",
	})
	_, err := Load(MapSource(m))
	ps := problemsOf(t, err)
	if !findProblem(ps, "ACCESS_SECRET_KEY_FILE", "/nonexistent/m8fx/access-key") {
		t.Fatalf("want a problem naming ACCESS_SECRET_KEY_FILE and the path, got %v", err)
	}
	if findProblem(ps, "ACCESS_SECRET_KEY", "") {
		t.Fatalf("the unknown ACCESS_SECRET_KEY must not get its own 'required' problem: %v", err)
	}
}

func TestLoadPublicKeyPathFromFile(t *testing.T) {
	keyPath := keyFile(t, &rsa2048().PublicKey)
	m := withEnv(map[string]string{
		"ACCESS_TOKEN_ALGORITHM":      "RS256",
		"ACCESS_SECRET_KEY":           unset,
		"ACCESS_PUBLIC_KEY_FILE_FILE": writeFile(t, "path", keyPath+"\n"),
	})
	if got := mustLoad(t, m).AccessPublicKeyFile; got != keyPath {
		t.Fatalf("got %q, want %q", got, keyPath)
	}
}

func TestServiceFieldFromFile(t *testing.T) {
	m := withEnv(map[string]string{"REGION_FILE": writeFile(t, "region", "eu-north\n")})
	var dst serviceSettings
	if err := LoadInto(MapSource(m), &dst); err != nil {
		t.Fatal(err)
	}
	if dst.Region != "eu-north" {
		t.Fatalf("got %q", dst.Region)
	}
}
