package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
	"go.uber.org/goleak"

	"github.com/m8fx/kit/fxtest_helpers"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	goleak.VerifyTestMain(m)
}

// TestValidateApp: the whole graph of the service (m8fx.Module + its
// routes and checks) resolves.
func TestValidateApp(t *testing.T) {
	if err := fx.ValidateApp(options()...); err != nil {
		t.Fatal(err)
	}
}

func TestInfoAndHealth(t *testing.T) {
	app := fxtest_helpers.New(t,
		fxtest_helpers.WithEnv(map[string]string{
			"PROJECT_NAME":             "Item Service",
			"SERVICE_VERSION":          "1.2.3",
			"HEALTH_DETAIL_CREDENTIAL": "detail-credential-for-tests",
		}),
		fxtest_helpers.WithSQLite(), fxtest_helpers.WithOptions(serviceOptions()...), // the test app brings m8fx.Module, WithSQLite dbmod.Module
	)

	rec := app.Get("/api/info")
	if rec.Code != http.StatusOK {
		t.Fatalf("info: %d %s", rec.Code, rec.Body)
	}
	var info InfoResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &info); err != nil || info.Service != "Item Service" || info.Version != "1.2.3" {
		t.Fatalf("info body %s (%v)", rec.Body, err)
	}

	if rec := app.Get("/api/health/"); rec.Code != http.StatusOK || rec.Body.String() != `{"status":"ok"}` {
		t.Fatalf("public health: %d %s", rec.Code, rec.Body)
	}
	rec = app.Get("/api/health/", "X-Internal-Token", "detail-credential-for-tests")
	var detail struct {
		Status string `json:"status"`
		Checks []struct {
			Name   string         `json:"name"`
			Status string         `json:"status"`
			Meta   map[string]any `json:"meta"`
		} `json:"checks"`
		Service string `json:"service"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &detail); err != nil {
		t.Fatal(err)
	}
	if detail.Service != "Item Service" || len(detail.Checks) != 2 || detail.Checks[0].Name != "database" ||
		detail.Checks[0].Status != "ok" || detail.Checks[1].Name != "runtime" ||
		detail.Checks[1].Status != "ok" || detail.Checks[1].Meta["goroutines"] == nil {
		t.Fatalf("detail health: %s", rec.Body)
	}
}

// TestSettingsSource: the committed dev settings apply only when the process
// names neither ENVIRONMENT nor ENV_FILE, and say so on stderr.
func TestSettingsSource(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil { // no .env here
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chdir(wd) })

	t.Run("dev fallback", func(t *testing.T) {
		os.Unsetenv("ENVIRONMENT")
		os.Unsetenv("ENV_FILE")
		var stderr bytes.Buffer
		src, err := settingsSource(&stderr)
		if err != nil {
			t.Fatal(err)
		}
		if src.DotEnv["ENVIRONMENT"] != "local" || !strings.Contains(stderr.String(), "DEV-ONLY") {
			t.Fatalf("dev settings not used: %v / %q", src.DotEnv["ENVIRONMENT"], stderr.String())
		}
	})
	t.Run("environment set", func(t *testing.T) {
		t.Setenv("ENVIRONMENT", "production")
		var stderr bytes.Buffer
		src, err := settingsSource(&stderr)
		if err != nil {
			t.Fatal(err)
		}
		if len(src.DotEnv) != 0 || stderr.Len() != 0 {
			t.Fatalf("dev settings leaked into a configured environment: %v %q", src.DotEnv, stderr.String())
		}
	})
}

// itemsvcBinary builds the service into a temporary directory.
func itemsvcBinary(t *testing.T) string { return goBuild(t, ".", "itemsvc") }

// goBuild builds the command in pkg into a temporary directory as name.
func goBuild(t *testing.T, pkg, name string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// binaryEnv is the whole environment of the binary: the committed dev
// settings named explicitly (so the DEV-ONLY warning line is not printed), a
// free port, the SQLite file in the working directory, and extra.
func binaryEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	envFile, err := filepath.Abs("local.env")
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{"ENVIRONMENT=local", "ENV_FILE=" + envFile, "HTTP_ADDR=127.0.0.1:0", "DB_DATABASE=itemsvc-test.db"}, extra...)
}

// logEntry is the start of a console log entry: time, level.
var logEntry = regexp.MustCompile(`^\d{4}-\d\d-\d\dT[0-9:.]+Z\t(DEBUG|INFO|WARN|ERROR)\t`)

// TestBinaryBootFailure: a bad setting or a failed start makes the service
// exit 1 with one line on stderr, and no panic or goroutine dump. At
// LOG_LEVEL=info the boot's own INFO lines (database connected, migrated,
// closed) come before that line; nothing at WARN or ERROR does.
func TestBinaryBootFailure(t *testing.T) {
	bin := itemsvcBinary(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	tests := []struct {
		name  string
		env   []string
		want  string // in the line
		infos bool   // INFO lines may come first
	}{
		{"bad setting", []string{"API_PREFIX=api"},
			`m8fx: cannot build the app: invalid settings (1 problem): API_PREFIX: must start with "/"`, false},
		{"bad setting at info", []string{"API_PREFIX=api", "LOG_LEVEL=info"},
			`m8fx: cannot build the app: invalid settings (1 problem): API_PREFIX: must start with "/"`, false},
		{"listen failure", []string{"HTTP_ADDR=" + taken.Addr().String(), "LOG_LEVEL=warn"},
			"m8fx: cannot start: httpmod: cannot listen on HTTP_ADDR", false},
		{"listen failure at info", []string{"HTTP_ADDR=" + taken.Addr().String(), "LOG_LEVEL=info"},
			"m8fx: cannot start: httpmod: cannot listen on HTTP_ADDR", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin)
			cmd.Dir, cmd.Env = t.TempDir(), binaryEnv(t, tt.env...)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			_ = cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != 1 {
				t.Fatalf("exit code %d, want 1; stderr:\n%s", code, stderr.String())
			}
			out := stderr.String()
			if strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") || strings.Contains(out, "DEV-ONLY") {
				t.Fatalf("stderr has a panic, a goroutine dump or the dev settings warning:\n%s", out)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			last := lines[len(lines)-1]
			if !strings.HasSuffix(out, "\n") || !strings.Contains(last, tt.want) {
				t.Fatalf("last line %q, want %q", last, tt.want)
			}
			for _, l := range lines[:len(lines)-1] {
				if m := logEntry.FindStringSubmatch(l); !tt.infos || m == nil || m[1] != "INFO" {
					t.Errorf("line before the error: %q", l)
				}
			}
			if tt.infos && len(lines) < 2 {
				t.Errorf("no INFO line before the error at LOG_LEVEL=info:\n%s", out)
			}
		})
	}
}

// TestBinaryNoGinDebug: whatever GIN_MODE and LOG_LEVEL say, the running
// service prints no "[GIN-debug]" route dump and no debug-mode warning (in
// its first second and until ready), and SIGTERM stops it with exit code 0.
func TestBinaryNoGinDebug(t *testing.T) {
	bin := itemsvcBinary(t)
	tests := []struct {
		name string
		env  []string
	}{
		{"info", []string{"LOG_LEVEL=info"}},
		{"debug", []string{"LOG_LEVEL=debug"}},
		{"GIN_MODE=debug", []string{"LOG_LEVEL=debug", "GIN_MODE=debug"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin)
			cmd.Dir, cmd.Env = t.TempDir(), binaryEnv(t, tt.env...)
			pipe, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			started := time.Now()
			ready := make(chan struct{})
			var mu sync.Mutex
			var stderr strings.Builder
			readDone := make(chan struct{})
			go func() {
				defer close(readDone)
				sc := bufio.NewScanner(pipe)
				sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
				once := sync.Once{}
				for sc.Scan() {
					mu.Lock()
					stderr.WriteString(sc.Text() + "\n")
					mu.Unlock()
					if strings.Contains(sc.Text(), "\tservice ready\t") {
						once.Do(func() { close(ready) })
					}
				}
			}()
			select {
			case <-ready:
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
				<-readDone
				_ = cmd.Wait()
				t.Fatalf("not ready within 30s; stderr:\n%s", stderr.String())
			}
			time.Sleep(time.Second - time.Since(started))
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			<-readDone
			_ = cmd.Wait()
			out := stderr.String()
			if code := cmd.ProcessState.ExitCode(); code != 0 {
				t.Fatalf("exit code %d after SIGTERM, want 0; stderr:\n%s", code, out)
			}
			if strings.Contains(out, "[GIN-debug]") || strings.Contains(out, `"debug" mode`) || strings.Contains(out, "[WARNING]") {
				t.Fatalf("gin's debug output was printed:\n%s", out)
			}
			for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
				if !logEntry.MatchString(l) {
					t.Errorf("stderr line is not a log entry: %q", l)
				}
			}
		})
	}
}
