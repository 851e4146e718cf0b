// Package version holds the kit's release version so that every package can
// report it without importing the m8fx bundle.
package version

// Kit is the m8fx release version.
const Kit = "0.1.0"
