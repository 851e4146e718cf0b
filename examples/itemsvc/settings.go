package main

import (
	_ "embed"
	"fmt"
	"io"
	"os"

	"github.com/joho/godotenv"

	"github.com/m8fx/kit/httpmod"
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

// ItemSettings are the kit's settings plus the service's own.
type ItemSettings struct {
	settingsmod.Settings
	// DescriptionMaxLen is the longest item description, in characters;
	// the OpenAPI document shows it as the description's maxLength.
	DescriptionMaxLen int64 `env:"ITEMS_DESCRIPTION_MAX_LEN" envDefault:"2000"`
}

// Base returns the kit's part.
func (s *ItemSettings) Base() *settingsmod.Settings { return &s.Settings }

// ValidateSettings checks the service's own fields.
func (s *ItemSettings) ValidateSettings() []settingsmod.Problem {
	if s.DescriptionMaxLen < 1 || s.DescriptionMaxLen > 1_000_000 {
		return []settingsmod.Problem{{Env: "ITEMS_DESCRIPTION_MAX_LEN", Message: "must be between 1 and 1000000"}}
	}
	return nil
}

// descriptionLimit is the runtime limit item_description_max of the item
// bodies' validate tags.
func descriptionLimit(s *ItemSettings) httpmod.Limit {
	return httpmod.Limit{Name: "item_description_max", Value: s.DescriptionMaxLen}
}
