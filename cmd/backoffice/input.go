package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// The input file's columns; the last three are optional.
var columns = []string{"operation", "payment_id", "amount", "currency", "merchant_transaction_id", "country", "purchased_at"}

const requiredColumns = 4

// Row is one input row and, once the job runs, its state.
type Row struct {
	Line        int    `json:"line"`
	Op          string `json:"op"` // CP, RF or RV
	PaymentID   string `json:"pid"`
	Amount      string `json:"amount,omitempty"` // canonical decimal; "" for a full reversal
	Currency    string `json:"cur,omitempty"`
	MTID        string `json:"mtid"`
	Derived     bool   `json:"derived,omitempty"` // MTID derived from the job and the line
	Country     string `json:"country,omitempty"`
	PurchasedAt string `json:"purchased,omitempty"` // RFC 3339

	State     string          `json:"state"`
	BookingID string          `json:"id,omitempty"`
	Code      string          `json:"code,omitempty"`
	Desc      string          `json:"desc,omitempty"`
	Uncertain json.RawMessage `json:"u,omitempty"`
}

// InputError is a refusal of the input file, naming the line.
type InputError struct {
	Line int
	Msg  string
}

func (e *InputError) Error() string {
	if e.Line == 0 {
		return "input: " + e.Msg
	}
	return fmt.Sprintf("input line %d: %s", e.Line, e.Msg)
}

// inputHash identifies an input file: the journal records it, and a
// journal is never used with a file of another hash.
func inputHash(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// derivedMTID is the merchantTransactionId of a row whose file gives none:
// a function of the input's hash and the row's line only, so running the
// same file again (even with a new journal) reuses the same ids, and a
// look-up by id finds what an earlier run booked.
func derivedMTID(hash string, line int) string {
	s := sha256.Sum256([]byte(fmt.Sprintf("backoffice-cli/v1 %s %d", hash, line)))
	return "bocli-" + hex.EncodeToString(s[:15])
}

// parseInput reads the CSV, checking its shape, every field's syntax and
// the uniqueness of merchantTransactionIds. Every error names its line;
// all of them are returned (up to a limit), not only the first.
func parseInput(data []byte) ([]Row, string, error) {
	hash := inputHash(data)
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	header, err := r.Read()
	if err == io.EOF {
		return nil, hash, &InputError{Line: 1, Msg: "the file is empty: it needs the header " + strings.Join(columns, ",")}
	}
	if err != nil {
		return nil, hash, csvError(err)
	}
	idx, err := headerIndex(header)
	if err != nil {
		return nil, hash, err
	}
	var (
		rows []Row
		errs []error
		seen = map[string]int{}
	)
	fail := func(line int, format string, a ...any) {
		errs = append(errs, &InputError{Line: line, Msg: fmt.Sprintf(format, a...)})
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, hash, csvError(err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			fail(line, "has %d fields, the header %d", len(rec), len(header))
			continue
		}
		get := func(col string) string {
			if i, ok := idx[col]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row := Row{Line: line, State: statePlanned}
		row.Op = strings.ToUpper(get("operation"))
		switch row.Op {
		case "CP", "RF", "RV":
		default:
			fail(line, "operation %q: must be CP, RF or RV", get("operation"))
			continue
		}
		row.PaymentID = get("payment_id")
		if row.PaymentID == "" {
			fail(line, "payment_id is empty")
			continue
		}
		if a := get("amount"); a != "" {
			d, err := decimal.NewFromString(a)
			if err != nil {
				fail(line, "amount %q is not a decimal number", a)
				continue
			}
			row.Amount = d.String()
		} else if row.Op != "RV" {
			fail(line, "amount is empty: only a reversal (RV) may leave it out, to reverse in full")
			continue
		}
		row.Currency = strings.ToUpper(get("currency"))
		row.Country = strings.ToUpper(get("country"))
		if p := get("purchased_at"); p != "" {
			t, err := parseTime(p)
			if err != nil {
				fail(line, "purchased_at %q: want RFC 3339 (2025-01-31T12:00:00Z) or a date (2025-01-31)", p)
				continue
			}
			row.PurchasedAt = t.Format(time.RFC3339)
		}
		row.MTID = get("merchant_transaction_id")
		if row.MTID == "" {
			row.MTID, row.Derived = derivedMTID(hash, line), true
		}
		if first, dup := seen[row.MTID]; dup {
			fail(line, "merchant_transaction_id %q is already used on line %d: each row needs its own", row.MTID, first)
			continue
		}
		seen[row.MTID] = line
		rows = append(rows, row)
	}
	if len(errs) > 0 {
		return nil, hash, errors.Join(errs...)
	}
	if len(rows) == 0 {
		return nil, hash, &InputError{Line: 2, Msg: "no rows after the header"}
	}
	return rows, hash, nil
}

func headerIndex(header []string) (map[string]int, error) {
	idx := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		known := false
		for _, c := range columns {
			known = known || c == h
		}
		if !known {
			return nil, &InputError{Line: 1, Msg: fmt.Sprintf("unknown column %q: the header is %s (the last three optional)", h, strings.Join(columns, ","))}
		}
		if _, dup := idx[h]; dup {
			return nil, &InputError{Line: 1, Msg: fmt.Sprintf("column %q appears twice", h)}
		}
		idx[h] = i
	}
	for _, c := range columns[:requiredColumns] {
		if _, ok := idx[c]; !ok {
			return nil, &InputError{Line: 1, Msg: fmt.Sprintf("column %q is missing: the header is %s (the last three optional)", c, strings.Join(columns, ","))}
		}
	}
	return idx, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &InputError{Line: pe.Line, Msg: "malformed CSV: " + pe.Err.Error()}
	}
	return &InputError{Msg: err.Error()}
}

func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Parse("2006-01-02", s)
}
