package backoffice_test

import (
	"context"
	"testing"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/require"
)

// After the fake is closed, a warm client's next call is not sent, every
// time: the closed server's keep-alive connections must not make it look
// sent (and so uncertain) in some runs and not others.
func TestClosedFakeIsNotSentEvenWithAWarmClient(t *testing.T) {
	t.Parallel()
	for range 20 {
		srv := backofficetest.NewServer()
		c := newTestClient(t, srv.URL, srv.BearerCredentials(), withMatrixPolicy)
		debit := srv.Debit(dec("50.00"), "EUR")
		_, err := c.Refund(context.Background(), debit, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR"})
		require.NoError(t, err)
		srv.Close()
		_, err = c.Refund(context.Background(), debit, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR"})
		var ns *backoffice.NotSentError
		require.ErrorAs(t, err, &ns, "a closed fake is like a gateway that is down: nothing sent")
	}
}

// A fake that refuses connections is a gateway that is down: a call is not
// sent, and once it accepts again the next call is booked.
func TestRefusedConnectionsAreNotSent(t *testing.T) {
	t.Parallel()
	srv := backofficetest.NewServer()
	defer srv.Close()
	c := newTestClient(t, srv.URL, srv.BearerCredentials(), withMatrixPolicy)
	debit := srv.Debit(dec("50.00"), "EUR")
	_, err := c.Refund(context.Background(), debit, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR"})
	require.NoError(t, err, "a warm client")

	srv.RefuseConnections()
	_, err = c.Refund(context.Background(), debit, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR"})
	var ns *backoffice.NotSentError
	require.ErrorAs(t, err, &ns)
	require.Equal(t, backoffice.NotBooked, backoffice.OutcomeOf(err))

	srv.AcceptConnections()
	_, err = c.Refund(context.Background(), debit, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR"})
	require.NoError(t, err)
	require.Len(t, srv.Entries(debit, backoffice.PaymentTypeRefund), 2)
}
