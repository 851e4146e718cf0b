//go:build !(darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd)

package dbmod

import "context"

// lockFile does nothing where flock(2) does not exist: the migrations of a
// SQLite file are then serialized by bun's lock table alone (and, for one
// DB value, by its own semaphore).
func lockFile(context.Context, string) (func(), error) { return func() {}, nil }
