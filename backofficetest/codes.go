package backofficetest

import "github.com/c81406b6/backoffice"

// The bearer-variant result codes the fake answers with, each chosen from
// the gateway's published list (../shared/reference/opp-resultcodes.json)
// for the rule it reports. The package documentation maps rules to codes.
const (
	codeTestSuccess  backoffice.ResultCode = "000.100.110" // every booking: the fake is a test system
	codeQuerySuccess backoffice.ResultCode = "000.000.100"

	codeInvalidParameter backoffice.ResultCode = "200.300.404"
	codeAuthentication   backoffice.ResultCode = "800.900.300"
	codeNotFound         backoffice.ResultCode = "700.400.580" // queries that find nothing

	codeUnknownReference  backoffice.ResultCode = "700.100.100"
	codeAmountTooLarge    backoffice.ResultCode = "700.100.300" // CB or CR above the amount it disputes
	codeCurrencyMismatch  backoffice.ResultCode = "700.100.500"
	codeInappropriateType backoffice.ResultCode = "700.100.700" // RB on anything but a DB
	codeReferenceRefused  backoffice.ResultCode = "700.300.200" // referencing a refused attempt
	codeChargedBack       backoffice.ResultCode = "700.300.600" // RF or RV while a CB stands

	codeCannotCapture      backoffice.ResultCode = "700.400.100"
	codeCannotRefund       backoffice.ResultCode = "700.400.200"
	codeCannotReverse      backoffice.ResultCode = "700.400.300"
	codeCannotChargeback   backoffice.ResultCode = "700.400.400"
	codeChargebackInternal backoffice.ResultCode = "700.400.402"
	codeCRRepeated         backoffice.ResultCode = "700.400.410"
	codeCRWorkflow         backoffice.ResultCode = "700.400.420"
	codeCaptureWorkflow    backoffice.ResultCode = "700.400.510"
	codeRefundWorkflow     backoffice.ResultCode = "700.400.520"
	codeReversalWorkflow   backoffice.ResultCode = "700.400.530"
	codeChargebackWorkflow backoffice.ResultCode = "700.400.550"

	codeInvalidCard         backoffice.ResultCode = "100.100.101" // Luhn check failed
	codeCardExpired         backoffice.ResultCode = "100.100.303"
	codeRegistrationLength  backoffice.ResultCode = "100.150.101"
	codeRegistrationUnknown backoffice.ResultCode = "100.150.200"

	codeThrottled   backoffice.ResultCode = "800.120.100"
	codeSessionBusy backoffice.ResultCode = "800.700.100"
	codeDuplicate   backoffice.ResultCode = "800.110.100"
	codeUncertain   backoffice.ResultCode = "900.100.300"
)

// describe returns the description answers carry for c.
func describe(c backoffice.ResultCode) string { return c.Description() }
