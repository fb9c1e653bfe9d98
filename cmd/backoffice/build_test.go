package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// TestMain removes the command builtCommand built, once every test ran.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// built is the command, built once per test binary for every test that
// runs it as a process.
var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
	out  []byte
}

// builtCommand returns the path of the command built from this package.
func builtCommand(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "backoffice-cmd-test-")
		if built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "backoffice")
		built.out, built.err = exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.bin
}
