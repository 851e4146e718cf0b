package settingsmod

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"

	"github.com/caarlos0/env/v11"
	"github.com/joho/godotenv"
)

// envFileVar names the variable holding the path of the .env file that
// [EnvSource] reads; defaultEnvFile is used when it is unset.
const (
	envFileVar     = "ENV_FILE"
	defaultEnvFile = ".env"
)

// Source is the raw input of [Load]: two layers of NAME=value pairs.
// Environ wins over DotEnv, which wins over the `envDefault` tags. A NAME_FILE
// entry in either layer wins over both (see the package documentation).
type Source struct {
	Environ map[string]string // process-like environment (wins over DotEnv)
	DotEnv  map[string]string // values from a .env file (lowest layer above defaults)
}

// EnvSource reads the process environment and the .env file named by
// $ENV_FILE (default ".env" in the working directory). An absent file is
// fine; an unreadable or unparsable one is an error naming its path.
func EnvSource() (Source, error) {
	path := os.Getenv(envFileVar)
	if path == "" {
		path = defaultEnvFile
	}
	dot, err := DotEnvFile(path)
	if err != nil {
		return Source{}, fmt.Errorf("settings: %w", err)
	}
	return Source{Environ: env.ToMap(os.Environ()), DotEnv: dot}, nil
}

// MapSource returns a Source made of env only: it never reads the process
// environment or any .env file. Tests use it.
func MapSource(env map[string]string) Source {
	return Source{Environ: maps.Clone(env)}
}

// DotEnvFile parses the .env file at path. An absent file gives (nil, nil).
// Parse errors give the line number but never the file's content, which may
// hold secrets.
func DotEnvFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read env file: %w", err)
	}
	values, err := godotenv.UnmarshalBytes(data)
	if err != nil {
		// godotenv's message quotes the rest of the file: never show it.
		return nil, fmt.Errorf("parse env file %q: malformed entry at line %d (expected KEY=value)",
			path, firstBadLine(data))
	}
	return values, nil
}

// firstBadLine returns the 1-based line from which every prefix of data fails
// to parse: the line that breaks the file. A quoted value spanning lines only
// fails until it is closed, so it is not blamed.
func firstBadLine(data []byte) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	ends := make([]int, len(lines))
	n := 0
	for i, l := range lines {
		n += len(l)
		ends[i] = n
	}
	bad := len(lines)
	for bad > 1 {
		if _, err := godotenv.UnmarshalBytes(data[:ends[bad-2]]); err == nil {
			break
		}
		bad--
	}
	return bad
}

// merged returns one map: DotEnv overlaid by Environ. It is never nil, so the
// env parser never falls back to the process environment.
func (s Source) merged() map[string]string {
	out := make(map[string]string, len(s.DotEnv)+len(s.Environ))
	maps.Copy(out, s.DotEnv)
	maps.Copy(out, s.Environ)
	return out
}
