package wire

import (
	"encoding/json"
	"unicode/utf8"
)

// The optional objects of an answer (risk, customer, customParameters) are
// read for one field each. Decoding them with encoding/json cost as much as
// the rest of the answer; these read them in one pass with the decoder of
// fast.go, exactly as encoding/json would, and give up (ok false) where
// they cannot tell, leaving it to encoding/json.

// StringField reads the field name of the JSON object raw as encoding/json
// reads it into a struct's string field: matched ASCII case-insensitively,
// the last of equal keys winning, null leaving it as it was. exact is false
// when it cannot tell (no object, a value of another type, a key with
// escapes or non-ASCII bytes, malformed JSON): the caller then decodes raw
// with encoding/json, as before. When exact, encoding/json decodes raw
// without error and leaves v in the field.
func StringField(raw json.RawMessage, name string) (v string, exact bool) {
	return field(raw, name, false)
}

// StrField is StringField for a field of type Str, which takes any value.
func StrField(raw json.RawMessage, name string) (v string, exact bool) {
	return field(raw, name, true)
}

// field walks raw for name; exact is false when it gave up. anyValue takes
// any value as Str does; without it only a string or null decodes.
func field(raw json.RawMessage, name string, anyValue bool) (v string, exact bool) {
	if !utf8.Valid(raw) {
		return "", false // encoding/json replaces the bytes; fast.go assumes valid UTF-8
	}
	d := decoder{data: raw}
	d.ws()
	if d.null() {
		return "", d.end()
	}
	if !d.peek('{') {
		return "", false
	}
	if !d.open() {
		return "", d.end()
	}
	var buf [24]byte
	for {
		key, ok := d.key(&buf)
		if !ok {
			return "", false
		}
		if !lowerIs(key, name) {
			if !d.skip(2) {
				return "", false
			}
		} else if anyValue {
			ok, esc, a, b := d.strSpan()
			if !ok {
				return "", false
			}
			v = d.text(a, b, esc)
		} else if !d.null() {
			if !d.peek('"') {
				return "", false // a type error: encoding/json's call
			}
			start := d.pos + 1
			ok, esc := d.scanString()
			if !ok {
				return "", false
			}
			v = d.text(start, d.pos-1, esc)
		}
		more, ok := d.next()
		if !ok {
			return "", false
		}
		if !more {
			if !d.end() {
				return "", false
			}
			return v, true
		}
	}
}

// lowerIs reports whether key, lower case, is name in lower case.
func lowerIs(key []byte, name string) bool {
	if len(key) != len(name) {
		return false
	}
	for i := range len(key) {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if key[i] != c {
			return false
		}
	}
	return true
}

// end reports that only white space follows.
func (d *decoder) end() bool {
	d.ws()
	return d.pos == len(d.data)
}

// StrMapValue decodes raw as a StrMap, as Optional(raw, &m) does, and
// reports whether it could.
func StrMapValue(raw json.RawMessage) (StrMap, bool) {
	if len(raw) == 0 {
		return nil, false
	}
	if !utf8.Valid(raw) {
		var m StrMap
		return m, Optional(raw, &m)
	}
	d := decoder{data: raw}
	d.ws()
	var m StrMap
	if d.strMap(&m) && d.end() {
		return m, true
	}
	m = nil
	return m, Optional(raw, &m)
}
