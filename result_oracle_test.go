package backoffice

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// The oracle of result_test.go: the gateway's published patterns, what they
// say about a code (referenceCategory), and an enumerator over their syntax
// trees (patternClasses) that yields one code per class of codes the
// patterns can tell apart.
// publishedGroups are the gateway's published patterns, verbatim, in the
// gateway's order. They are the oracle the byte-level classifier must agree
// with; they are compiled here only, never in the library.
var publishedGroups = []struct {
	cat     Category
	pattern string
}{
	{CategorySuccess, `^(000\.000\.|000\.100\.1|000\.[36]|000\.400\.1[12]0)`},
	{CategorySuccessNeedsReview, `^(000\.400\.0[^3]|000\.400\.100)`},
	{CategoryPending, `^(000\.200)`},
	{CategoryPendingLong, `^(800\.400\.5|100\.400\.500)`},
	{CategoryRejected3DSRisk, `^(000\.400\.[1][0-9][1-9]|000\.400\.2)`},
	{CategoryRejectedByBank, `^(800\.[17]00|800\.800\.[123])`},
	{CategoryCommunicationError, `^(900\.[1234]00|000\.400\.030)`},
	{CategorySystemError, `^(800\.[56]|999\.|600\.1|800\.800\.[84])`},
	{CategoryAsyncWorkflowError, `^(100\.39[765])`},
	{CategorySoftDecline, `^(300\.100\.100)`},
	{CategoryRejectedExternalRisk, `^(100\.400\.[0-3]|100\.380\.100|100\.380\.11|100\.380\.4|100\.380\.5)`},
	{CategoryRejectedAddressValidation, `^(800\.400\.1)`},
	{CategoryRejected3DS, `^(800\.400\.2|100\.390)`},
	{CategoryRejectedBlacklist, `^(800\.[32])`},
	{CategoryRejectedRiskValidation, `^(800\.1[123456]0)`},
	{CategoryRejectedConfiguration, `^(600\.[23]|500\.[12]|800\.121)`},
	{CategoryRejectedRegistration, `^(100\.[13]50)`},
	{CategoryRejectedJob, `^(100\.250|100\.360)`},
	{CategoryRejectedReference, `^(700\.[1345][05]0)`},
	{CategoryRejectedFormat, `^(200\.[123]|100\.[53][07]|800\.900|100\.[69]00\.500)`},
	{CategoryRejectedAddress, `^(100\.800)`},
	{CategoryRejectedContact, `^(100\.700|100\.900\.[123467890][00-99])`},
	{CategoryRejectedAccount, `^(100\.100|100\.2[01])`},
	{CategoryRejectedAmount, `^(100\.55)`},
	{CategoryRejectedRiskManagement, `^(100\.380\.[23]|100\.380\.101)`},
	{CategoryChargeback, `^(000\.100\.2)`},
}

var (
	publishedRegexps = func() []*regexp.Regexp {
		res := make([]*regexp.Regexp, len(publishedGroups))
		for i, g := range publishedGroups {
			res[i] = regexp.MustCompile(g.pattern)
		}
		return res
	}()
	dottedCode = regexp.MustCompile(`^[0-9]{3}\.[0-9]{3}\.[0-9]{3}$`)
)

// referenceCategory is what the published patterns say about code, limited
// to the well-formed codes they are meant for.
func referenceCategory(code string) Category {
	if !dottedCode.MatchString(code) {
		return CategoryUnknown
	}
	for i, re := range publishedRegexps {
		if re.MatchString(code) {
			return publishedGroups[i].cat
		}
	}
	return CategoryUnknown
}

// patternClasses returns one code for each combination of digits that the
// published patterns can tell apart. Two digits at one position are
// interchangeable when they leave the same alternatives still matching, so
// every well-formed code matches exactly the same alternatives as one of the
// returned codes.
func patternClasses(t *testing.T) []string {
	var alts [][]func(byte) bool // what each position of the code accepts
	for _, g := range publishedGroups {
		re, err := syntax.Parse(g.pattern, syntax.Perl)
		require.NoError(t, err)
		alts = append(alts, expandPattern(t, re)...)
	}

	var out []string
	buf := []byte("000.000.000")
	var walk func(pos int, live []int)
	walk = func(pos int, live []int) {
		if pos == len(buf) {
			out = append(out, string(buf))
			return
		}
		digits := "0123456789"
		if pos == 3 || pos == 7 {
			digits = "."
		}
		var seen []string
		for i := 0; i < len(digits); i++ {
			d := digits[i]
			var next []int
			for _, a := range live {
				if seq := alts[a]; pos >= len(seq) || seq[pos](d) {
					next = append(next, a)
				}
			}
			key := fmt.Sprint(next)
			if slices.Contains(seen, key) {
				continue
			}
			seen = append(seen, key)
			buf[pos] = d
			walk(pos+1, next)
		}
	}
	all := make([]int, len(alts))
	for i := range all {
		all[i] = i
	}
	walk(0, all)
	return out
}

// expandPattern turns a parsed published pattern into its alternatives, each
// a sequence of per-position byte tests. The patterns use only anchors,
// literals, character classes, concatenation and alternation.
func expandPattern(t *testing.T, re *syntax.Regexp) [][]func(byte) bool {
	switch re.Op {
	case syntax.OpBeginText, syntax.OpEmptyMatch:
		return [][]func(byte) bool{nil}
	case syntax.OpCapture:
		return expandPattern(t, re.Sub[0])
	case syntax.OpLiteral:
		require.Zero(t, re.Flags&syntax.FoldCase, "case-folded literal in %v", re)
		seq := make([]func(byte) bool, len(re.Rune))
		for i, r := range re.Rune {
			seq[i] = func(b byte) bool { return rune(b) == r }
		}
		return [][]func(byte) bool{seq}
	case syntax.OpCharClass:
		ranges := re.Rune
		return [][]func(byte) bool{{func(b byte) bool {
			for i := 0; i < len(ranges); i += 2 {
				if ranges[i] <= rune(b) && rune(b) <= ranges[i+1] {
					return true
				}
			}
			return false
		}}}
	case syntax.OpAlternate:
		var out [][]func(byte) bool
		for _, sub := range re.Sub {
			out = append(out, expandPattern(t, sub)...)
		}
		return out
	case syntax.OpConcat:
		out := [][]func(byte) bool{nil}
		for _, sub := range re.Sub {
			tails := expandPattern(t, sub)
			var next [][]func(byte) bool
			for _, head := range out {
				for _, tail := range tails {
					next = append(next, append(slices.Clip(head), tail...))
				}
			}
			out = next
		}
		return out
	}
	t.Fatalf("unexpected %v in a published pattern", re.Op)
	return nil
}
