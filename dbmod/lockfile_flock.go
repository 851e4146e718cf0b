//go:build darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd

package dbmod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on path (created when missing, never
// removed: removing it would let a waiter lock a file that is gone) and
// returns its release. It tries every [lockRetry] until ctx is done. flock
// belongs to the open file, so two DB values of one process exclude each
// other like two processes do, and the OS releases the lock of a process
// that dies.
func lockFile(ctx context.Context, path string) (func(), error) {
	// Read-only is enough for flock, and lets a process that may only read
	// the file lock it too.
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening the migrations lock file: %w", err)
	}
	for {
		err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			_ = f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if err := sleep(ctx, lockRetry); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("another migration holds %s: %w", path, err)
		}
	}
	return func() {
		_ = flock(f, syscall.LOCK_UN)
		_ = f.Close() // closing releases the lock anyway
	}, nil
}

// flock calls flock(2) on f, again when a signal interrupted it.
func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
