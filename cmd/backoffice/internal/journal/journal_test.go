package journal

import (
	"fmt"
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
		if _, recs, err := Open(path); err != nil || len(recs) != 2 || string(recs[1]) != `{"c":3}` {
			t.Fatalf("cut at %d, after append: %q, %v", cut, recs, err)
		}
	}
	damaged := append([]byte(nil), whole...)
	damaged[12] ^= 1 // inside the first record
	os.WriteFile(path, damaged, 0o600)
	if _, _, err := Open(path); err == nil {
		t.Fatal("a damaged record before the tail was accepted")
	}
}
