package settingsmod

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMapSourceIgnoresProcessEnvironment(t *testing.T) {
	t.Setenv("DOMAIN", "from-process")
	t.Setenv("ENV_FILE", writeFile(t, ".env", "PROJECT_NAME=from-dotenv\n"))
	m := validEnv()
	delete(m, "DOMAIN")
	delete(m, "PROJECT_NAME")
	_, err := Load(MapSource(m))
	ps := problemsOf(t, err)
	if !findProblem(ps, "DOMAIN", "is required") || !findProblem(ps, "PROJECT_NAME", "is required") {
		t.Fatalf("MapSource read the process environment or a .env: %v", err)
	}
}

func TestMapSourceCopiesTheMap(t *testing.T) {
	m := validEnv()
	src := MapSource(m)
	m["DOMAIN"] = "changed"
	if src.Environ["DOMAIN"] != "localhost" {
		t.Fatal("MapSource shares the caller's map")
	}
}

func TestMergedPrecedence(t *testing.T) {
	tests := []struct {
		name    string
		src     Source
		key     string
		want    string
		present bool
	}{
		{"environ wins", Source{Environ: map[string]string{"A": "env"}, DotEnv: map[string]string{"A": "dot"}}, "A", "env", true},
		{"dotenv used when environ lacks it", Source{Environ: map[string]string{}, DotEnv: map[string]string{"A": "dot"}}, "A", "dot", true},
		{"empty environ value still wins", Source{Environ: map[string]string{"A": ""}, DotEnv: map[string]string{"A": "dot"}}, "A", "", true},
		{"nil layers", Source{}, "A", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.src.merged()
			if m == nil {
				t.Fatal("merged returned nil: the env parser would read the process environment")
			}
			got, ok := m[tc.key]
			if got != tc.want || ok != tc.present {
				t.Fatalf("got %q,%v want %q,%v", got, ok, tc.want, tc.present)
			}
		})
	}
}

func TestDotEnvFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		content *string // nil: do not create
		path    string
		want    map[string]string
		errHas  []string
		errNot  []string
	}{
		{name: "absent file", path: filepath.Join(dir, "absent.env")},
		{
			name:    "values, comments, quotes, export",
			content: ptr("# comment\nA=1\nexport B=two\nC=\"x y\"\nD='z'\n\n"),
			want:    map[string]string{"A": "1", "B": "two", "C": "x y", "D": "z"},
		},
		{
			name:    "bad key names the path and line, not the content",
			content: ptr("A=1\nSECRET=hunter2-marker\nBAD-KEY=1\nTAIL=tail-marker\n"),
			errHas:  []string{"line 3", "malformed"},
			errNot:  []string{"hunter2-marker", "tail-marker"},
		},
		{
			name:    "unterminated quote",
			content: ptr("A=1\nB=\"open-marker\nC=2\n"),
			errHas:  []string{"line 2"},
			errNot:  []string{"open-marker"},
		},
		{
			name:    "multi-line quoted value before the bad line",
			content: ptr("A=\"one\ntwo\"\nBAD-KEY=1\n"),
			errHas:  []string{"line 3"},
		},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if tc.content != nil {
				path = filepath.Join(dir, "f"+string(rune('a'+i))+".env")
				if err := os.WriteFile(path, []byte(*tc.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := DotEnvFile(path)
			if len(tc.errHas) > 0 || len(tc.errNot) > 0 {
				if err == nil {
					t.Fatal("want an error")
				}
				msg := err.Error()
				if !strings.Contains(msg, path) {
					t.Errorf("error does not name the path %s: %s", path, msg)
				}
				for _, s := range tc.errHas {
					if !strings.Contains(msg, s) {
						t.Errorf("error %q lacks %q", msg, s)
					}
				}
				for _, s := range tc.errNot {
					if strings.Contains(msg, s) {
						t.Errorf("error %q leaks %q", msg, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s: got %q want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestDotEnvFileUnreadable(t *testing.T) {
	dir := t.TempDir() // a directory cannot be read as a file
	_, err := DotEnvFile(dir)
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("want an error naming %s, got %v", dir, err)
	}
}

func TestFirstBadLine(t *testing.T) {
	tests := []struct {
		data string
		want int
	}{
		{"BAD-KEY=1", 1},
		{"A=1\nBAD-KEY=1\n", 2},
		{"A=1\r\nB=2\r\nBAD-KEY=1\r\n", 3},
		{"A=\"x\ny\"\nB=\"open\n", 3},
	}
	for _, tc := range tests {
		if got := firstBadLine([]byte(tc.data)); got != tc.want {
			t.Errorf("firstBadLine(%q) = %d, want %d", tc.data, got, tc.want)
		}
	}
}

func TestEnvSource(t *testing.T) {
	tests := []struct {
		name     string
		envFile  *string // content of the file named by ENV_FILE; nil: ENV_FILE unset, cwd has no .env
		wantErr  bool
		wantDot  string
		wantProc string
	}{
		{name: "absent .env is fine", wantProc: "proc"},
		{name: "ENV_FILE is read", envFile: ptr("M8FX_TEST_DOT=dot\n"), wantDot: "dot", wantProc: "proc"},
		{name: "malformed ENV_FILE is an error", envFile: ptr("BAD-KEY=1\n"), wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			t.Setenv("M8FX_TEST_PROC", "proc")
			path := ""
			if tc.envFile != nil {
				path = writeFile(t, "custom.env", *tc.envFile)
			}
			t.Setenv("ENV_FILE", path)
			src, err := EnvSource()
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), path) {
					t.Fatalf("want an error naming %s, got %v", path, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if src.Environ["M8FX_TEST_PROC"] != tc.wantProc || src.DotEnv["M8FX_TEST_DOT"] != tc.wantDot {
				t.Fatalf("got environ %q dotenv %q", src.Environ["M8FX_TEST_PROC"], src.DotEnv["M8FX_TEST_DOT"])
			}
		})
	}
}

func TestEnvSourceDefaultsToDotEnvInWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("ENV_FILE", "")
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("M8FX_TEST_DOT=cwd\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := EnvSource()
	if err != nil {
		t.Fatal(err)
	}
	if src.DotEnv["M8FX_TEST_DOT"] != "cwd" {
		t.Fatalf("got %v", src.DotEnv)
	}
}

func ptr[T any](v T) *T { return &v }
