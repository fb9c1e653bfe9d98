package backoffice

import "github.com/c81406b6/backoffice/internal/transport"

// Result codes the SDK's behaviour turns on, for callers who branch on them
// too.
const (
	// CodeThrottled: "Rejected by Throttling". The request was refused
	// before booking; the SDK waits and retries it (money-moving calls as
	// the policy allows, look-ups after LookupInterval).
	CodeThrottled ResultCode = "800.120.100"
	// CodeSessionBusy: the same session is being processed. Refused before
	// booking, and retried, unless it answers a resend, when it means the
	// earlier attempt is still running.
	CodeSessionBusy ResultCode = "800.700.100"
	// CodeUncertain: "timeout, uncertain result". The gateway itself does
	// not know whether the request was booked; the SDK looks it up.
	CodeUncertain ResultCode = "900.100.300"
	// CodeNotFound: "cannot find transaction", a look-up that found
	// nothing (HTTP 400). errors.Is(err, ErrNotFound) tests for it.
	CodeNotFound ResultCode = "700.400.580"
	// CodeDuplicate: a duplicate transaction. Answering a resend, it means
	// an earlier attempt may have been booked.
	CodeDuplicate ResultCode = "800.110.100"
)

// transportCodes are the codes above that internal/transport's retry
// decision turns on.
var transportCodes = transport.Codes{Throttled: string(CodeThrottled), SessionBusy: string(CodeSessionBusy),
	Uncertain: string(CodeUncertain)}
