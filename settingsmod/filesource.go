package settingsmod

import (
	"os"
	"strings"
)

// fileSuffix makes NAME_FILE, the variable naming a file that holds NAME.
const fileSuffix = "_FILE"

// applyFileSources replaces environment[KEY] with the whitespace-trimmed
// content of the file named by KEY_FILE, for every KEY in keys. KEY_FILE is
// not a file source when it is itself a key (ACCESS_PUBLIC_KEY_FILE is a
// setting; its file form is ACCESS_PUBLIC_KEY_FILE_FILE). It returns one
// Problem, naming KEY_FILE, per file that cannot be read, and the set of keys
// whose value is therefore unknown.
func applyFileSources(environment map[string]string, keys []string) (problems, map[string]bool) {
	isKey := make(map[string]bool, len(keys))
	for _, k := range keys {
		isKey[k] = true
	}
	var ps problems
	unknown := map[string]bool{}
	for _, key := range keys {
		fileVar := key + fileSuffix
		path := strings.TrimSpace(environment[fileVar])
		if isKey[fileVar] || path == "" {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			// The error names the path and the cause, never content.
			ps.add(fileVar, "cannot read the file holding %s: %v", key, err)
			unknown[key] = true
			continue
		}
		environment[key] = strings.TrimSpace(string(data))
	}
	return ps, unknown
}
