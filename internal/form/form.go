// Package form builds application/x-www-form-urlencoded bodies in a fixed
// field order, so that a request is byte-for-byte reproducible: golden tests
// compare it, and a retry resends exactly the bytes of the first attempt.
package form

import "sort"

// Form is an ordered list of fields. The zero value is empty and ready.
// The first fields live in the Form itself, so that a Form declared in a
// function stays on its stack: a capture's form allocates nothing but its
// encoding.
type Form struct {
	n     int
	small [typicalFields]field
	more  []field // the fields after the first typicalFields
}

type field struct{ key, value string }

// typicalFields holds every form of a capture, refund or reversal.
const typicalFields = 8

// Add appends a field. Empty values are sent as given (key=).
func (f *Form) Add(key, value string) {
	if f.n < len(f.small) {
		f.small[f.n] = field{key, value}
	} else {
		f.more = append(f.more, field{key, value})
	}
	f.n++
}

// at is the i-th field.
func (f *Form) at(i int) field {
	if i < len(f.small) {
		return f.small[i]
	}
	return f.more[i-len(f.small)]
}

// AddSorted appends the fields of m ordered by key, so a map's random
// iteration order never changes the bytes sent.
func (f *Form) AddSorted(m map[string]string) {
	if len(m) == 0 {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f.Add(k, m[k])
	}
}

// Len reports the number of fields.
func (f *Form) Len() int { return f.n }

// Get returns the first value of key.
func (f *Form) Get(key string) (string, bool) {
	for i := range f.n {
		if fd := f.at(i); fd.key == key {
			return fd.value, true
		}
	}
	return "", false
}

// Encode returns the body: fields joined by '&' in the order they were
// added, each escaped as url.QueryEscape would, in one allocation.
func (f *Form) Encode() []byte {
	n := 0
	for i := range f.n {
		fd := f.at(i)
		n += escapedLen(fd.key) + escapedLen(fd.value) + 2
	}
	b := make([]byte, 0, n)
	for i := range f.n {
		fd := f.at(i)
		if i > 0 {
			b = append(b, '&')
		}
		b = AppendEscape(b, fd.key)
		b = append(b, '=')
		b = AppendEscape(b, fd.value)
	}
	return b
}

// AppendEscape appends s escaped for a query component to b, with the same
// result as url.QueryEscape: unreserved bytes pass, space becomes '+', all
// else is %XX.
func AppendEscape(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case unreserved(c):
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
		}
	}
	return b
}

func escapedLen(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; !unreserved(c) && c != ' ' {
			n += 2
		}
	}
	return n
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

const hexDigits = "0123456789ABCDEF"
