//go:build darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd

package dbmod_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMigrateWaitsForLockFile: a SQLite migration takes the flock on
// <file>.migrate.lock, which another process (here: another open file
// description of this one) may hold: Migrate waits for it within its ctx,
// and migrates once it is free.
func TestMigrateWaitsForLockFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flock.db")
	db := startSqlite(t, path)
	f, err := os.OpenFile(path+".migrate.lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	var o overlap
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err = db.Migrate(ctx, o.migrations("20260101000001", 0))
	if err == nil || !strings.Contains(err.Error(), "another migration holds "+path+".migrate.lock") ||
		!strings.Contains(err.Error(), "deadline exceeded") || o.runs.Load() != 0 {
		t.Fatalf("Migrate while another holds the lock file: %v (ran %d)", err, o.runs.Load())
	}

	fd := int(f.Fd())
	unlocked := make(chan struct{})
	time.AfterFunc(200*time.Millisecond, func() {
		_ = syscall.Flock(fd, syscall.LOCK_UN)
		close(unlocked)
	})
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := db.Migrate(ctx, o.migrations("20260101000001", 0)); err != nil {
		t.Fatal(err)
	}
	<-unlocked // the unlock happened before f is used again (and closed)
	if waited := time.Since(start); o.runs.Load() != 1 || waited < 150*time.Millisecond {
		t.Fatalf("ran %d after waiting %s; want 1 after the lock was released", o.runs.Load(), waited)
	}
	// The lock is released after the migration: it can be taken at once.
	if err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatalf("the lock file is still locked after Migrate: %v", err)
	}
}
