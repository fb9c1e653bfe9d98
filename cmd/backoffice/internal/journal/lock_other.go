//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package journal

import "os"

// lockFile does nothing on this platform: run one backoffice process per
// journal at a time.
func lockFile(*os.File) error { return nil }
