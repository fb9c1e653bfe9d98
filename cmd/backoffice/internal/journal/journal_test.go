package journal

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestCreateAppendReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	if err := Create(path, [][]byte{[]byte(`{"k":"job"}`), []byte(`{"k":"row"}`)}); err != nil {
		t.Fatal(err)
	}
	if err := Create(path, nil); err == nil {
		t.Fatal("Create over an existing journal succeeded")
	}
	l, recs, err := Open(path)
	if err != nil || len(recs) != 2 {
		t.Fatalf("Open: %d records, %v", len(recs), err)
	}
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.Append([]byte(fmt.Sprintf(`{"n":%d}`, i))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	l.Close()
	_, recs, err = Open(path)
	if err != nil || len(recs) != 66 {
		t.Fatalf("reopen: %d records, %v", len(recs), err)
	}
}

func TestTornTailDroppedDamageElsewhereRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	if err := Create(path, [][]byte{[]byte(`{"a":1}`), []byte(`{"b":2}`)}); err != nil {
		t.Fatal(err)
	}
	whole, _ := os.ReadFile(path)
	for cut := len(whole) - 1; cut > len(whole)/2+1; cut-- { // every torn length of the last record
		os.WriteFile(path, whole[:cut], 0o600)
		if recs, err := Read(path); err != nil || len(recs) != 1 {
			t.Fatalf("cut at %d: Read %d records, %v", cut, len(recs), err)
		}
		l, recs, err := Open(path)
		if err != nil || len(recs) != 1 {
			t.Fatalf("cut at %d: %d records, %v", cut, len(recs), err)
		}
		if err := l.Append([]byte(`{"c":3}`)); err != nil {
			t.Fatal(err)
		}
		l.Close()
		l, recs, err = Open(path)
		if err != nil || len(recs) != 2 || string(recs[1]) != `{"c":3}` {
			t.Fatalf("cut at %d, after append: %q, %v", cut, recs, err)
		}
		l.Close()
	}
	damaged := append([]byte(nil), whole...)
	damaged[12] ^= 1 // inside the first record
	os.WriteFile(path, damaged, 0o600)
	if _, _, err := Open(path); err == nil {
		t.Fatal("a damaged record before the tail was accepted")
	}
}

// lines returns the journal's lines, newlines kept.
func lines(t *testing.T, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.SplitAfter(data, []byte("\n"))[:bytes.Count(data, []byte("\n"))]
}

// A whole line is never a torn tail: damage to the last line, or any line
// copied, moved or deleted, is refused by Open and Read alike, since
// dropping it could drop a record the job acted on.
func TestEditedJournalsRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j")
	if err := Create(path, [][]byte{[]byte(`{"k":"job"}`), []byte(`{"row":1}`), []byte(`{"row":2}`)}); err != nil {
		t.Fatal(err)
	}
	l, _, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{`{"st":"sending"}`, `{"st":"booked"}`} {
		if err := l.Append([]byte(r)); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	ls := lines(t, path)
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	lastFlipped := append([]byte(nil), ls[4]...)
	lastFlipped[12] ^= 1
	cases := map[string][]byte{
		"last line damaged, newline kept": join(ls[0], ls[1], ls[2], ls[3], lastFlipped),
		"a line copied to the end":        join(ls[0], ls[1], ls[2], ls[3], ls[4], ls[3]),
		"a row line copied to the end":    join(ls[0], ls[1], ls[2], ls[3], ls[4], ls[1]),
		"the first line copied after it":  join(ls[0], ls[0], ls[1], ls[2], ls[3], ls[4]),
		"the last line deleted":           join(ls[0], ls[1], ls[2], ls[4]),
		"a middle line deleted":           join(ls[0], ls[2], ls[3], ls[4]),
		"two lines swapped":               join(ls[0], ls[1], ls[2], ls[4], ls[3]),
		"the journal twice":               join(ls[0], ls[1], ls[2], ls[3], ls[4], ls[0], ls[1], ls[2], ls[3], ls[4]),
	}
	for name, data := range cases {
		p := filepath.Join(dir, "edited")
		os.WriteFile(p, data, 0o600)
		if recs, err := Read(p); err == nil {
			t.Errorf("%s: Read accepted %d records", name, len(recs))
		}
		if l, recs, err := Open(p); err == nil {
			l.Close()
			t.Errorf("%s: Open accepted %d records", name, len(recs))
		}
	}
}

// A journal from before the chain (each checksum over its own record
// only) is read, and appended to in its own form.
func TestUnchainedJournalStillRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	var old []byte
	for _, r := range []string{`{"k":"job"}`, `{"row":1}`, `{"st":"sending"}`} {
		old = fmt.Appendf(old, "%08x %s\n", crc32.Checksum([]byte(r), table), r)
	}
	os.WriteFile(path, old, 0o600)
	l, recs, err := Open(path)
	if err != nil || len(recs) != 3 {
		t.Fatalf("Open: %d records, %v", len(recs), err)
	}
	if err := l.Append([]byte(`{"st":"booked"}`)); err != nil {
		t.Fatal(err)
	}
	l.Close()
	recs, err = Read(path)
	if err != nil || len(recs) != 4 || string(recs[3]) != `{"st":"booked"}` {
		t.Fatalf("after append: %q, %v", recs, err)
	}
	data, _ := os.ReadFile(path)
	if want := fmt.Sprintf("%08x %s\n", crc32.Checksum([]byte(`{"st":"booked"}`), table), `{"st":"booked"}`); !bytes.HasSuffix(data, []byte(want)) {
		t.Fatalf("appended in another form:\n%s", data)
	}
}
