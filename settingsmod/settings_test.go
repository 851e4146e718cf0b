package settingsmod

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/caarlos0/env/v11"
)

// docRow is one row of a table in the README's configuration reference.
type docRow struct {
	defaultValue string // "" when the default column is "—"
}

// configHeading starts the configuration reference in README.md; it runs to
// the end of the file.
const configHeading = "\n## Configuration reference\n"

// readConfigurationDoc parses the tables of the README's configuration
// reference.
func readConfigurationDoc(t *testing.T) map[string]docRow {
	t.Helper()
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatalf("read the configuration reference: %v", err)
	}
	_, section, ok := strings.Cut(string(data), configHeading)
	if !ok {
		t.Fatalf("README.md has no %q section", strings.TrimSpace(configHeading))
	}
	rows := map[string]docRow{}
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(line, " | ")
		if len(cells) < 3 {
			t.Fatalf("malformed row: %s", line)
		}
		key := strings.Trim(strings.TrimPrefix(cells[0], "| "), "`")
		def := cells[1]
		if def == "—" {
			def = ""
		} else {
			def = strings.TrimSuffix(strings.TrimPrefix(def, "`"), "`")
		}
		if _, dup := rows[key]; dup {
			t.Errorf("%s is documented twice", key)
		}
		rows[key] = docRow{defaultValue: def}
	}
	return rows
}

func TestConfigurationDocMatchesSettings(t *testing.T) {
	rows := readConfigurationDoc(t)
	params, err := env.GetFieldParamsWithOptions(&Settings{}, env.Options{Environment: map[string]string{}})
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{"ENV_FILE": true, "NAME_FILE": true}
	for _, p := range params {
		known[p.Key] = true
		row, ok := rows[p.Key]
		if !ok {
			t.Errorf("%s is not documented in the README configuration reference", p.Key)
			continue
		}
		if row.defaultValue != p.DefaultValue {
			t.Errorf("%s: documented default %q, code default %q", p.Key, row.defaultValue, p.DefaultValue)
		}
	}
	for key := range rows {
		if !known[key] {
			t.Errorf("the README configuration reference documents %s, which Settings does not read", key)
		}
	}
	if rows["ENV_FILE"].defaultValue != defaultEnvFile {
		t.Errorf("ENV_FILE default documented as %q", rows["ENV_FILE"].defaultValue)
	}
}

func TestSettingsTags(t *testing.T) {
	// Every field has an upper-case env key, and keys are unique.
	seen := map[string]string{}
	rt := reflect.TypeFor[Settings]()
	for i := range rt.NumField() {
		f := rt.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		if key == "" || key != strings.ToUpper(key) {
			t.Errorf("field %s has env key %q", f.Name, key)
		}
		if other, dup := seen[key]; dup {
			t.Errorf("fields %s and %s share %s", other, f.Name, key)
		}
		seen[key] = f.Name
	}
}

func TestBaseReturnsItself(t *testing.T) {
	var s Settings
	if s.Base() != &s {
		t.Fatal("Base must return its receiver")
	}
	ext := &serviceSettings{}
	if ext.Base() != &ext.Settings {
		t.Fatal("promoted Base must return the embedded Settings")
	}
}
