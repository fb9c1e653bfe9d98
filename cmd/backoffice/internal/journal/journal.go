// Package journal is the backoffice command's durable store: an
// append-only file of records, each one line "crc32c-hex SP json LF",
// fsynced before Append returns. Each checksum covers its record and,
// through the checksum before it, every record before it (a chain): a line
// copied, moved or deleted breaks the chain at the next line, or, when it
// is the last, at itself. Journals written before the chain (each checksum
// over its own record) are still read, and appended to in their own form.
//
// Why a log and not bbolt or SQLite: the job only ever appends state
// transitions and replays them in order at start-up, so a log is the whole
// data model; it adds no dependency to the module (library users' module
// graphs stay as they are), and its crash behaviour is small enough to test
// exhaustively here: a record is either whole and checksummed, or it is the
// torn tail of the last write (no newline yet), which Open drops. Concurrent writers share
// fsyncs (group commit): while one fsync runs, later records queue and go
// out with the next one, so 32 workers cost far fewer than 32 fsyncs.
package journal

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"
)

var table = crc32.MakeTable(crc32.Castagnoli)

// Log is an open journal. Append is safe for concurrent use.
type Log struct {
	f *os.File

	mu      sync.Mutex
	cond    *sync.Cond
	chain   chain  // the checksum of the last record queued
	buf     []byte // encoded records not yet written
	queued  uint64 // records appended so far
	synced  uint64 // records durable so far
	syncing bool
	err     error // sticky: once a write or fsync fails, nothing more is trusted
}

// Create writes recs to a new journal at path atomically: they go to a
// temporary file that is fsynced and then renamed into place, so path
// either does not exist or holds every record. It fails if path exists.
func Create(path string, recs [][]byte) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("journal %s already exists", path)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".new-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	w := bufio.NewWriterSize(tmp, 1<<16)
	ch := chain{chained: true}
	for _, r := range recs {
		if _, err := w.Write(ch.encode(nil, r)); err != nil {
			tmp.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), path); err != nil { // fails if path appeared meanwhile
		return err
	}
	return syncDir(dir)
}

// ErrInUse is Open's error when another process holds the journal.
var ErrInUse = errors.New("in use by another process")

// Open opens the journal at path for appending, locked against every other
// process for as long as this one lives (where the platform has flock),
// and returns every record in it, in order. The lock comes first: only
// the process that holds it may drop a torn tail, since another's tail is
// a write in progress. A torn last record (the tail of a write cut short by a
// crash: no newline) is dropped and truncated away. A whole line whose
// checksum does not hold, anywhere, is an error: a crash cannot make one,
// since a record's newline is the last byte its write puts down, and
// nothing a job did was acted on before its write was durable, so
// dropping what was written after is only ever safe for a torn tail.
func Open(path string) (*Log, [][]byte, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("journal %s: %w (%v)", path, ErrInUse, err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	recs, good, ch, err := parse(path, data)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if good < len(data) {
		if err := f.Truncate(int64(good)); err != nil {
			f.Close()
			return nil, nil, err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, nil, err
		}
	}
	if _, err := f.Seek(int64(good), io.SeekStart); err != nil {
		f.Close()
		return nil, nil, err
	}
	l := &Log{f: f, chain: ch}
	l.cond = sync.NewCond(&l.mu)
	return l, recs, nil
}

// Read returns every whole record of the journal at path without opening
// it for writing: a torn tail is skipped, not truncated, so a reader may
// look at a journal another process is appending to.
func Read(path string) ([][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	recs, _, _, err := parse(path, data)
	return recs, err
}

// parse splits data into records and returns how many bytes they fill
// and the chain to append with.
func parse(path string, data []byte) ([][]byte, int, chain, error) {
	var recs [][]byte
	good := 0
	ch := chain{chained: true}
	for good < len(data) {
		nl := bytes.IndexByte(data[good:], '\n')
		if nl < 0 {
			break // torn tail: no newline
		}
		rec, ok := ch.decode(data[good:good+nl], len(recs))
		if !ok {
			return nil, 0, chain{}, fmt.Errorf("journal %s: record %d is damaged, or copied, moved or deleted around it (checksum mismatch); "+
				"a crash leaves no such line, so it was changed after it was written: refusing to guess", path, len(recs)+1)
		}
		recs = append(recs, rec)
		good += nl + 1
	}
	return recs, good, ch, nil
}

// Append writes recs and returns once they are on stable storage (fsync).
// Records of concurrent calls share one write and one fsync.
func (l *Log) Append(recs ...[]byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return l.err
	}
	for _, r := range recs {
		l.buf = l.chain.encode(l.buf, r)
	}
	l.queued++
	mine := l.queued
	for l.synced < mine && l.err == nil {
		if l.syncing {
			l.cond.Wait()
			continue
		}
		l.syncing = true
		buf, upto := l.buf, l.queued
		l.buf = nil
		l.mu.Unlock()
		_, err := l.f.Write(buf)
		if err == nil {
			err = l.f.Sync()
		}
		l.mu.Lock()
		l.syncing = false
		if err != nil {
			l.err = fmt.Errorf("journal write: %w", err)
		} else {
			l.synced = upto
		}
		l.cond.Broadcast()
	}
	return l.err
}

// Close closes the file. Records already appended are durable.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	if l.err == nil {
		l.err = errors.New("journal closed")
	}
	return err
}

// chain is the running checksum of a journal's records.
type chain struct {
	sum     uint32 // the checksum of the last record
	chained bool   // false: a journal from before the chain, each checksum its record's own
}

// next is the checksum of rec following the records so far.
func (c chain) next(rec []byte) uint32 {
	if !c.chained {
		return crc32.Checksum(rec, table)
	}
	return crc32.Update(c.sum, table, rec)
}

// encode appends rec's line to dst and moves the chain past it.
func (c *chain) encode(dst, rec []byte) []byte {
	sum := c.next(rec)
	c.sum = sum
	dst = hex.AppendEncode(dst, []byte{byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)})
	dst = append(dst, ' ')
	dst = append(dst, rec...)
	return append(dst, '\n')
}

// decode checks line, the n-th record (from 0), against the chain and
// moves the chain past it. The first record reads the same either way;
// the second tells a journal from before the chain, whose checksums hold
// only unchained.
func (c *chain) decode(line []byte, n int) ([]byte, bool) {
	if len(line) < 10 || line[8] != ' ' {
		return nil, false
	}
	var b [4]byte
	if _, err := hex.Decode(b[:], line[:8]); err != nil {
		return nil, false
	}
	rec := line[9:]
	sum := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	if c.next(rec) != sum {
		if n != 1 || crc32.Checksum(rec, table) != sum {
			return nil, false
		}
		c.chained = false
	}
	c.sum = sum
	return append([]byte(nil), rec...), true
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
