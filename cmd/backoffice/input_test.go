package main

import (
	"strings"
	"testing"
)

func TestParseInputRefusals(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "line 1: the file is empty"},
		{"unknown column", "operation,payment_id,amount,currency,foo\n", `line 1: unknown column "foo"`},
		{"missing column", "operation,payment_id,amount\n", `line 1: column "currency" is missing`},
		{"malformed", "operation,payment_id,amount,currency\nRF,\"abc,1.00,EUR\n", "line 2: malformed CSV"},
		{"field count", "operation,payment_id,amount,currency\nRF,a,1.00\n", "line 2: has 3 fields"},
		{"operation", "operation,payment_id,amount,currency\nDB,a,1.00,EUR\n", `line 2: operation "DB"`},
		{"amount", "operation,payment_id,amount,currency\nRF,a,1.0x,EUR\n", `line 2: amount "1.0x"`},
		{"no amount", "operation,payment_id,amount,currency\nRF,a,,EUR\n", "line 2: amount is empty"},
		{"date", "operation,payment_id,amount,currency,merchant_transaction_id,country,purchased_at\nRF,a,1,EUR,,DE,yesterday\n", "line 2: purchased_at"},
		{"duplicate mtid", "operation,payment_id,amount,currency,merchant_transaction_id\nRF,a,1,EUR,x\nRF,b,1,EUR,y\nRF,c,1,EUR,x\n", `line 4: merchant_transaction_id "x" is already used on line 2`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := parseInput([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseInputDerivesStableIDs(t *testing.T) {
	in := []byte("operation,payment_id,amount,currency\nRF,a,1.50,EUR\nRV,b,,\nCP,c,2,USD\n")
	rows, hash, err := parseInput(in)
	if err != nil {
		t.Fatal(err)
	}
	again, hash2, _ := parseInput(in)
	if hash != hash2 || rows[0].MTID != again[0].MTID || rows[0].MTID == rows[1].MTID || !rows[0].Derived {
		t.Fatalf("ids not deterministic per job and line: %v %v", rows, again)
	}
	other, _, _ := parseInput(append(in, "RF,d,1,EUR\n"...))
	if other[0].MTID == rows[0].MTID {
		t.Fatal("another input derived the same id")
	}
}

func TestOfflineCheckUsesSDKValidation(t *testing.T) {
	in := []byte("operation,payment_id,amount,currency,merchant_transaction_id,country,purchased_at\n" +
		"RF,abc,1.50,EUR,,,\n" + // fine
		"RF,abc,1.50,EURO,,,\n" + // currency
		"RF,a/b,1.50,EUR,,,\n" + // id
		"RF,abc,1.50,EUR,,BR,2001-01-01\n" + // refund window
		"RV,abc,,EUR,,,\n") // currency without amount
	rows, _, err := parseInput(in)
	if err != nil {
		t.Fatal(err)
	}
	c, err := offlineClient(nil)
	if err != nil {
		t.Fatal(err)
	}
	checkRows(c, rows)
	want := []string{statePlanned, stateInvalid, stateInvalid, stateInvalid, stateInvalid}
	for i, r := range rows {
		if r.State != want[i] {
			t.Errorf("line %d: %s (%s), want %s", r.Line, r.State, r.Desc, want[i])
		}
	}
}
