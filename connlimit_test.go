package backoffice_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDefaultTransportConnectionLimit counts the connections the server
// sees while many goroutines capture through one Client with the default
// transport: never more than 64, however many goroutines there are.
func TestDefaultTransportConnectionLimit(t *testing.T) {
	t.Parallel()
	for _, goroutines := range []int{64, 128} {
		t.Run(strconv.Itoa(goroutines), func(t *testing.T) {
			t.Parallel()
			var opened atomic.Int64
			srv := httptest.NewUnstartedServer(captureHandler(t))
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					opened.Add(1)
				}
			}
			srv.Start()
			t.Cleanup(srv.Close)
			capture := sdkCapture(t, srv.URL, nil)
			var wg sync.WaitGroup
			var failed atomic.Int64
			for range goroutines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 50 {
						if err := capture.do(context.Background()); err != nil {
							failed.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			require.Zero(t, failed.Load(), "captures failed")
			assert.LessOrEqual(t, opened.Load(), int64(64), "connections opened by %d goroutines × 50 captures", goroutines)
		})
	}
}
