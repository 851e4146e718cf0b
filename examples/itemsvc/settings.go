package main

import (
	_ "embed"
	"fmt"
	"io"
	"os"

	"github.com/joho/godotenv"

	"github.com/m8fx/kit/settingsmod"
)

//go:embed local.env
var localDevEnv string

// settingsSource is the usual environment + .env source, except that when the
// process names neither ENVIRONMENT nor ENV_FILE the committed dev-only
// settings (local.env) become the .env layer, with a warning on stderr. A
// deployment always sets ENVIRONMENT, so it never sees these values.
func settingsSource(stderr io.Writer) (settingsmod.Source, error) {
	src, err := settingsmod.EnvSource()
	if err != nil {
		return settingsmod.Source{}, err
	}
	if _, ok := os.LookupEnv("ENVIRONMENT"); ok {
		return src, nil
	}
	if _, ok := os.LookupEnv("ENV_FILE"); ok {
		return src, nil
	}
	if _, ok := src.DotEnv["ENVIRONMENT"]; ok {
		return src, nil
	}
	dev, err := godotenv.Unmarshal(localDevEnv)
	if err != nil {
		return settingsmod.Source{}, fmt.Errorf("itemsvc: embedded local.env: %w", err)
	}
	_, _ = fmt.Fprintln(stderr, "itemsvc: ENVIRONMENT is not set: using the committed DEV-ONLY settings of examples/itemsvc/local.env")
	src.DotEnv = dev
	return src, nil
}
