package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// The list answers of GET /v3/query (transaction search) and GET
// /v3/query/{id}?includeLinkedTransactions=true (a payment's history). No
// body of either was ever recorded: the v3 list key records and the page
// count pages are read by independent clients of the gateway, the v1 list
// key payments is recorded, and how linked transactions are laid out is
// not known at all. So every plausible layout is accepted, and an answer
// holding payment-like arrays under any other key is an error naming the
// keys, never an empty list.

// listKeys are the keys a list of payments may stand under, in the order
// they are looked for.
var listKeys = [...]string{"records", "payments", "linkedTransactions", "transactions"}

// Page is one page of a list answer.
type Page struct {
	Records  []json.RawMessage // the records, in the gateway's order
	Listed   bool              // the answer had a list key, even an empty or null one
	Pages    int               // the page count, when HasPages
	HasPages bool
}

// UnexpectedKeysError reports an answer that carries no list under a known
// key, yet is not an empty answer either: it has a payment or payment-like
// array somewhere else. Keys are the answer's top-level keys, sorted.
type UnexpectedKeysError struct {
	Keys []string
}

// Error names the keys seen, each cut to 40 bytes and at most 20 of them.
func (e *UnexpectedKeysError) Error() string {
	shown := e.Keys[:min(len(e.Keys), 20)]
	quoted := make([]string, len(shown))
	for i, k := range shown {
		if len(k) > 40 {
			k = k[:40] + "…"
		}
		quoted[i] = strconv.Quote(k)
	}
	more := ""
	if n := len(e.Keys) - len(shown); n > 0 {
		more = fmt.Sprintf(" and %d more", n)
	}
	return fmt.Sprintf("no list under %s; keys seen: %s%s", quotedListKeys(), joinComma(quoted), more)
}

func quotedListKeys() string {
	q := make([]string, len(listKeys))
	for i, k := range listKeys {
		q[i] = strconv.Quote(k)
	}
	return joinComma(q)
}

func joinComma(s []string) string {
	var b bytes.Buffer
	for i, v := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(v)
	}
	return b.String()
}

// pageShape is the part of a page decoded on every page; the rest of the
// envelope is only looked at when no list is found.
type pageShape struct {
	Records            json.RawMessage `json:"records"`
	Payments           json.RawMessage `json:"payments"`
	LinkedTransactions json.RawMessage `json:"linkedTransactions"`
	Transactions       json.RawMessage `json:"transactions"`
	Pages              json.RawMessage `json:"pages"`
}

// DecodePage decodes a search answer. pages may be a JSON number or a
// numeric string; a missing or null pages leaves HasPages false. Without a
// list key the answer is an empty page, unless it holds a payment (a
// top-level id) or a non-empty array under another key: that is an
// *UnexpectedKeysError.
func DecodePage(body []byte) (*Page, error) {
	var s pageShape
	if err := json.Unmarshal(body, &s); err != nil {
		return nil, err
	}
	pg := &Page{}
	if n, ok, err := pageCount(s.Pages); err != nil {
		return nil, err
	} else if ok {
		pg.Pages, pg.HasPages = n, true
	}
	for _, raw := range [...]json.RawMessage{s.Records, s.Payments, s.LinkedTransactions, s.Transactions} {
		if raw == nil {
			continue
		}
		pg.Listed = true
		raw = bytes.TrimSpace(raw)
		if raw[0] == 'n' {
			continue // null: no records
		}
		if raw[0] != '[' {
			return nil, fmt.Errorf("list is a JSON %s, not an array", kind(raw[0]))
		}
		if err := json.Unmarshal(raw, &pg.Records); err != nil {
			return nil, err
		}
		return pg, nil
	}
	if pg.Listed {
		return pg, nil
	}
	return pg, checkNoHiddenList(body)
}

// pageCount reads pages as a number or a numeric string.
func pageCount(raw json.RawMessage) (int, bool, error) {
	if raw == nil {
		return 0, false, nil
	}
	var s Str
	if err := json.Unmarshal(raw, &s); err != nil || s == "" {
		return 0, false, err
	}
	n, err := strconv.Atoi(string(s))
	if err != nil || n < 0 {
		return 0, false, fmt.Errorf("pages is %.20q, not a page count", string(s))
	}
	return n, true, nil
}

// checkNoHiddenList fails when an answer without a list key still holds a
// payment: a top-level id, or a non-empty array under some key.
func checkNoHiddenList(body []byte) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return err
	}
	hidden := false
	for k, v := range top {
		v = bytes.TrimSpace(v)
		if k == "id" && len(v) > 0 && v[0] != 'n' {
			hidden = true
		}
		if len(v) > 0 && v[0] == '[' && !emptyArray(v) {
			hidden = true
		}
	}
	if !hidden {
		return nil
	}
	return &UnexpectedKeysError{Keys: sortedKeys(top)}
}

func emptyArray(v []byte) bool {
	return len(bytes.TrimSpace(v[1:len(v)-1])) == 0
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func kind(b byte) string {
	switch b {
	case '{':
		return "object"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	}
	return "number"
}

// Linked is one payment of a history answer.
type Linked struct {
	Raw    json.RawMessage // the payment object, nested lists included
	Parent string          // the id of the payment it was nested in; "" at the top
}

// DecodeLinked flattens a history answer into its payments, depth first
// in the gateway's order: the top-level object when it is a payment itself
// (it has an id), then the records of any list key, recursively, each
// nested record remembering the payment it sat under. An array of objects
// with an id under a key that is not a list key is an
// *UnexpectedKeysError naming the keys of the object holding it.
func DecodeLinked(body []byte) ([]Linked, error) {
	var out []Linked
	if err := walk(body, "", true, &out, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// maxDepth bounds the nesting walked, so a hostile answer cannot recurse
// without end; the gateway nests one level at most, if at all.
const maxDepth = 8

func walk(raw json.RawMessage, parent string, top bool, out *[]Linked, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("linked records nested more than %d deep", maxDepth)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return err
	}
	self := parent
	if id := idOf(obj); id != "" {
		*out = append(*out, Linked{Raw: raw, Parent: parent})
		self = id
	} else if !top {
		return fmt.Errorf("a linked record has no id")
	}
	for k, v := range obj {
		if !slices.Contains(listKeys[:], k) && holdsPayments(v) {
			return &UnexpectedKeysError{Keys: sortedKeys(obj)}
		}
	}
	for _, k := range listKeys {
		v := bytes.TrimSpace(obj[k])
		if len(v) == 0 || v[0] == 'n' {
			continue
		}
		if v[0] != '[' {
			return fmt.Errorf("%s is a JSON %s, not an array", k, kind(v[0]))
		}
		var items []json.RawMessage
		if err := json.Unmarshal(v, &items); err != nil {
			return err
		}
		for _, it := range items {
			if err := walk(it, self, false, out, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func idOf(obj map[string]json.RawMessage) string {
	var id Str
	if raw, ok := obj["id"]; ok && json.Unmarshal(raw, &id) == nil {
		return string(id)
	}
	return ""
}

// holdsPayments reports whether v is an array whose first element is an
// object with an id.
func holdsPayments(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || v[0] != '[' {
		return false
	}
	var first []struct {
		ID *json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(v, &first); err != nil {
		return false
	}
	return len(first) > 0 && first[0].ID != nil
}
