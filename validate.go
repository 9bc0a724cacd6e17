package vb365

import (
	"context"
	"net/url"
	"strconv"
	"strings"
)

// maxIDLength bounds an ID argument; the server's longest IDs (item IDs) are
// a few hundred characters.
const maxIDLength = 2048

// checkCtx refuses a nil context, as http.NewRequestWithContext does,
// rather than panic on it.
func checkCtx(ctx context.Context) error {
	if ctx == nil {
		return invalidArg("ctx", "must not be nil")
	}
	return nil
}

// checkID refuses an ID that cannot name anything on the server: empty,
// blank, over-long, with control characters, with ".." or being "." (which
// no VB365 ID contains or is, and which could walk a path elsewhere).
func checkID(arg, id string) error {
	if p := idProblem(id); p != "" {
		return invalidArg(arg, p)
	}
	return nil
}

// idProblem says what is wrong with an ID, or returns "".
func idProblem(id string) string {
	switch {
	case strings.TrimSpace(id) == "":
		return "must not be empty"
	case len(id) > maxIDLength:
		return "is longer than " + strconv.Itoa(maxIDLength) + " bytes"
	case strings.Contains(id, ".."):
		return "must not contain \"..\""
	case id == ".":
		// A dot segment: servers and proxies drop it, and the path names
		// another operation (.../OneDrives/./restore is the bulk restore).
		return "must not be \".\""
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x20 || id[i] == 0x7f {
			return "must not contain control characters"
		}
	}
	return ""
}

// idPath checks IDs and joins them, path-escaped, into the segments of
// format: each "{}" in format takes the next ID. Folder and item IDs contain
// '+', '/' and '='; escaping keeps each one a single segment.
func idPath(format string, args ...string) (string, error) {
	var b strings.Builder
	b.Grow(len(format) + 64)
	n := 0
	for {
		i := strings.Index(format, "{}")
		if i < 0 {
			b.WriteString(format)
			return b.String(), nil
		}
		arg, id := args[2*n], args[2*n+1]
		if err := checkID(arg, id); err != nil {
			return "", err
		}
		b.WriteString(format[:i])
		b.WriteString(url.PathEscape(id))
		format = format[i+2:]
		n++
	}
}
