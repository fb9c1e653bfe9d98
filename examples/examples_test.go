// Package examples_test builds every example program and runs it: each must
// exit 0 with no configuration, on the embedded fake gateway.
package examples_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExamplesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every example program")
	}
	dirs, err := filepath.Glob("*/main.go")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(dirs), 8, "the tour and one program per operation")
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+string(os.PathSeparator), "./...")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, main := range dirs {
		name := filepath.Dir(main)
		if _, err := os.Stat(filepath.Join(name, "go.mod")); err == nil {
			continue // a module of its own (otel): .ci/run runs it in its directory
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, filepath.Join(bin, name))
			// The examples must not reach a real gateway from CI.
			cmd.Env = append(os.Environ(), "OPP_ACCESS_TOKEN=", "OPP_ENTITY_ID=")
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			assert.Contains(t, string(out), "OPERATION", "prints its table")
		})
	}
}
