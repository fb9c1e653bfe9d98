//go:build !unix

package backoffice_test

// processCPU is unavailable here; benchmarks then report no cpu-ns/op.
func processCPU() (int64, bool) { return 0, false }
