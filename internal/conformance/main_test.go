package conformance_test

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vb365-go/vb365"
)

// Skipping the conformance check must not go unseen: go test shows a
// skip's message only with -v, and a passing package's output, stderr
// included, not at all in a plain "go test ./..." (cmd/go keeps it in a
// buffer it drops). So TestMain reports the skip on stderr, and, when go
// test would drop that, on the terminal too.

func TestMain(m *testing.M) {
	code := m.Run()
	if tests, msg := skips(); len(tests) > 0 {
		notice := skipNotice(tests, msg)
		fmt.Fprint(os.Stderr, notice)
		if !stderrShown() {
			toTerminal(notice)
		}
	}
	os.Exit(code)
}

var skipped struct {
	sync.Mutex
	tests []string
	msg   string
}

// noteSkip records that test skipped for want of the descriptions.
func noteSkip(test, msg string) {
	skipped.Lock()
	defer skipped.Unlock()
	if !slices.Contains(skipped.tests, test) {
		skipped.tests = append(skipped.tests, test)
	}
	skipped.msg = msg
}

func skips() ([]string, string) {
	skipped.Lock()
	defer skipped.Unlock()
	return slices.Clone(skipped.tests), skipped.msg
}

// skipMessage says why the conformance tests skip and how to run them.
func skipMessage(dir string) string {
	return fmt.Sprintf("the server's OpenAPI descriptions (%s, %s, %s) are not in %s; "+
		"put them there or set %s to their directory to validate the SDK's traffic against them "+
		"(with %s or %s set, their absence fails the tests)",
		specFile(vb365.V6), specFile(vb365.V7), specFile(vb365.V8), dir, specDirEnv, specDirEnv, ciEnv)
}

// skipNotice is the report of the skipped tests.
func skipNotice(tests []string, msg string) string {
	rule := strings.Repeat("=", 78)
	return fmt.Sprintf("%s\nvb365 conformance: SKIPPED %s: the SDK's traffic was NOT checked against the OpenAPI descriptions:\n%s\n%s\n",
		rule, strings.Join(tests, ", "), msg, rule)
}

// stderrShown reports whether go test shows this binary's stderr: with -v
// (or -json), or when stderr is a terminal (go test without package
// arguments, or the binary run by hand).
func stderrShown() bool {
	if f := flag.Lookup("test.v"); f != nil && f.Value.String() != "false" {
		return true
	}
	fi, err := os.Stderr.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// toTerminal writes s to the controlling terminal, if there is one.
func toTerminal(s string) {
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		return
	}
	defer tty.Close()
	_, _ = io.WriteString(tty, s)
}
