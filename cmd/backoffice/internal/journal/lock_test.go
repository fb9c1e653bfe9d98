//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package journal

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A second Open of a journal another Log holds fails with ErrInUse and
// leaves the file as it is: the holder's torn tail is a write in progress,
// not a crash's, and cutting it would let the holder's next write leave a
// hole of zeros (the hostile tester's "NUL bytes in the middle").
func TestOpenOfAHeldJournalChangesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	if err := Create(path, [][]byte{[]byte(`{"k":"job"}`), []byte(`{"row":1}`)}); err != nil {
		t.Fatal(err)
	}
	held, _, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("0badc0de {\"half a wri") // as a write in progress looks
	f.Close()
	before, _ := os.ReadFile(path)

	if l, _, err := Open(path); !errors.Is(err, ErrInUse) {
		if l != nil {
			l.Close()
		}
		t.Fatalf("second Open: %v, want ErrInUse", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatalf("the refused Open changed the journal:\n%q\nto\n%q", before, after)
	}
	held.Close()
	if l, recs, err := Open(path); err != nil || len(recs) != 2 {
		t.Fatalf("Open once released: %d records, %v", len(recs), err)
	} else {
		l.Close()
	}
}
