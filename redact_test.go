package vb365

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The forms below are written out by hand, not computed, so that a wrong
// escaping in redact cannot agree with itself.
func TestRedactFindsEveryForm(t *testing.T) {
	t.Parallel()
	const secret = "O'Brien+<x>&\"y\\ é😀"
	for _, tc := range []struct{ name, form string }{
		{"raw", secret},
		{"Go JSON", `O'Brien+\u003cx\u003e\u0026\"y\\ é😀`},
		{".NET JSON", `O\u0027Brien\u002B\u003Cx\u003E\u0026\u0022y\\ \u00E9\uD83D\uDE00`},
		{".NET JSON, lowercase hex", `O\u0027Brien\u002b\u003cx\u003e\u0026\u0022y\\ \u00e9\ud83d\ude00`},
		{"QueryEscape", `O%27Brien%2B%3Cx%3E%26%22y%5C+%C3%A9%F0%9F%98%80`},
		{"PathEscape", `O%27Brien+%3Cx%3E&%22y%5C%20%C3%A9%F0%9F%98%80`},
		// A JSON request body repeated by a .NET server, or form-encoded.
		{".NET JSON of the Go JSON body", `O\u0027Brien\u002B\\u003cx\\u003e\\u0026\\\u0022y\\\\ \u00E9\uD83D\uDE00`},
		{"QueryEscape of the Go JSON body", `O%27Brien%2B%5Cu003cx%5Cu003e%5Cu0026%5C%22y%5C%5C+%C3%A9%F0%9F%98%80`},
		// A login form repeated by a .NET server: its + is a space.
		{".NET JSON of the login form", `O%27Brien%2B%3Cx%3E%26%22y%5C\u002B%C3%A9%F0%9F%98%80`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := redact([]byte(`{"message":"said `+tc.form+` twice: `+tc.form+`"}`), []string{secret})
			assert.Equal(t, `{"message":"said REDACTED twice: REDACTED"}`, string(got))
		})
	}
}

func TestRedactNETControlCharacters(t *testing.T) {
	t.Parallel()
	const secret = "tab\tnl\nbs\b`del\x7f"
	for _, form := range []string{`tab\tnl\nbs\b\u0060del\u007F`, `tab\tnl\nbs\b\u0060del\u007f`} {
		assert.Equal(t, "[REDACTED]", string(redact([]byte("["+form+"]"), []string{secret})), form)
	}
}

func TestRedactLeavesShortSecrets(t *testing.T) {
	t.Parallel()
	// A secret of three bytes would redact ordinary text (a "pin" of 123
	// in every count of 123 items); from four bytes on it goes.
	got := redact([]byte("123 items, pin 1234"), []string{"123", "1234"})
	assert.Equal(t, "123 items, pin REDACTED", string(got))
}

func TestRedactLongerSecretFirst(t *testing.T) {
	t.Parallel()
	// An access token that starts with the refresh token (or any secret
	// that holds another) must not be left half shown.
	got := redact([]byte("token Tok3n-and-more."), []string{"Tok3n", "Tok3n-and-more"})
	assert.Equal(t, "token REDACTED.", string(got))
}

func TestAPIErrorRedactsDecodedMessageAndCode(t *testing.T) {
	t.Parallel()
	// A form redact does not know (here an H escaped that needs no
	// escaping) is missed in the body, but not in the decoded text.
	body := []byte(`{"message":"bad \u0048unter2-pw","errorCode":"\u0048unter2-pw"}`)
	e := newAPIError("POST", "https://vb365.example.com/v8/x", 400, body, "Hunter2-pw")
	assert.Equal(t, "bad REDACTED", e.Message)
	assert.Equal(t, ErrorCode("REDACTED"), e.Code)
}
