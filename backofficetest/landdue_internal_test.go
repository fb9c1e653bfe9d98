package backofficetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A booking goroutine that wakes late (a loaded machine) must not make the
// ledger lie: every booking whose latency has passed is booked before any
// request is served or the ledger is read, exactly once, in arrival order.
func TestLandDueBooksWhatIsDueOnce(t *testing.T) {
	t.Parallel()
	h := newHardness(config{bookingLatency: time.Hour})
	var order []string
	mk := func(name string, due time.Time) *booking {
		b := &booking{due: due}
		b.book = func() { order = append(order, name) }
		h.due = append(h.due, b)
		return b
	}
	past := time.Now().Add(-time.Millisecond)
	first, second := mk("first", past.Add(-time.Second)), mk("second", past)
	later := mk("later", time.Now().Add(time.Hour))

	h.landDue()
	assert.Equal(t, []string{"first", "second"}, order, "due bookings, in arrival order")
	assert.Equal(t, []*booking{later}, h.due, "what is not due stays queued")

	// The goroutines that were to land them wake now: nothing books twice.
	first.once.Do(first.book)
	second.once.Do(second.book)
	h.landDue()
	assert.Equal(t, []string{"first", "second"}, order)
}
