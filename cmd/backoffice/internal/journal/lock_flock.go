//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package journal

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on the journal for as long as
// the process lives: the kernel releases it when the process dies, even by
// SIGKILL, so a crash never leaves a stale lock, and two processes can never
// work one journal.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
