package vb365

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encodingCases are strings with every kind of byte the encoders treat
// apart: escapes, HTML characters, control characters, spaces of every
// kind, dots, multi-byte and invalid UTF-8, U+2028 and U+2029.
var encodingCases = []string{
	"", "i1", "AAMkADc3+/00000001==", " ", "   ", "\t", " x ", "a b", ".", "..", "a..b", "a.b.c", ".a.", "a.", "...",
	`"`, `\`, `a"b\c`, "<script>&amp;</script>", "\x00", "\x1f", "\x7f", "a\nb", "\b\f\n\r\t",
	"é", "日本語", "\u00a0", "\u0085", "\u2028", "\u2029", "a\u2028b", "\u3000", "\u00a0\u3000 ",
	"\xff", "a\xffb", "\xe2\x80", "\xed\xa0\x80", "😀", strings.Repeat("x", maxIDLength), strings.Repeat("x", maxIDLength+1),
	strings.Repeat(" ", maxIDLength+1),
}

// randomCase is a string of pieces of encodingCases and plain letters.
func randomCase(rng *rand.Rand) string {
	var b strings.Builder
	for range rng.IntN(6) {
		if rng.IntN(2) == 0 {
			b.WriteString("AbZ09+/="[rng.IntN(8):][:1])
		} else {
			c := encodingCases[rng.IntN(len(encodingCases)-3)]
			b.WriteString(c)
		}
	}
	return b.String()
}

func TestAppendJSONStringIsEncodingJSON(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	cases := append([]string{}, encodingCases...)
	for range 20000 {
		cases = append(cases, randomCase(rng))
	}
	for _, s := range cases {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.Equal(t, string(want), string(appendJSONString(nil, s)), "%q", s)
	}
}

func TestAppendIDChecksAsCheckID(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	cases := append([]string{}, encodingCases...)
	for range 20000 {
		cases = append(cases, randomCase(rng))
	}
	for _, id := range cases {
		got, ok := appendID([]byte("x"), id)
		if p := idProblem(id); p != "" {
			require.False(t, ok, "%q: %s", id, p)
			require.Equal(t, "x", string(got))
			continue
		}
		require.True(t, ok, "%q", id)
		want, _ := json.Marshal(id)
		require.Equal(t, "x"+string(want), string(got), "%q", id)
	}
}

// TestOperatorRestoreBodyIsEncodingJSON holds the hand-written encoding of
// OperatorRestore to what encoding/json makes of operatorRestoreBody, and
// its errors to those of itemRefs.
func TestOperatorRestoreBodyIsEncodingJSON(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	for n := range 3000 {
		req := &OperatorRestoreRequest{
			ChangedItems: n&1 != 0, DeletedItems: n&2 != 0, MarkRestoredAsUnread: n&4 != 0,
			Folder: randomCase(rng), Reason: randomCase(rng),
		}
		for range 1 + rng.IntN(4) {
			req.ItemIDs = append(req.ItemIDs, randomCase(rng))
		}
		if n%3 == 0 {
			// Mostly good IDs, so that the body is compared.
			for i := range req.ItemIDs {
				req.ItemIDs[i] = "AAMk+/" + strings.Map(func(r rune) rune {
					if r < 0x20 || r == 0x7f || r == '.' {
						return 'x'
					}
					return r
				}, req.ItemIDs[i])
			}
		}
		got, err := req.encode()
		refs, wantErr := itemRefs("req.ItemIDs", req.ItemIDs)
		if wantErr != nil {
			require.Error(t, err, "%q", req.ItemIDs)
			assert.Equal(t, wantErr.Error(), err.Error())
			continue
		}
		require.NoError(t, err, "%q", req.ItemIDs)
		want, err := json.Marshal(operatorRestoreBody{
			ChangedItems: req.ChangedItems, DeletedItems: req.DeletedItems, MarkRestoredAsUnread: req.MarkRestoredAsUnread,
			Folder: req.Folder, Items: refs, Reason: req.Reason,
		})
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
	}
	_, err := (&OperatorRestoreRequest{}).encode()
	_, wantErr := itemRefs("req.ItemIDs", nil)
	assert.Equal(t, wantErr.Error(), err.Error())
}
