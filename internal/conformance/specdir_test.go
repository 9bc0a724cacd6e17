package conformance_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365"
)

// specTree makes a module root, <tmp>/mod, and returns it with the
// default place of the descriptions beside it, <tmp>/shared/openapi,
// which it fills when full is set.
func specTree(t *testing.T, full bool) (root, specs string) {
	t.Helper()
	tmp := t.TempDir()
	root, specs = filepath.Join(tmp, "mod"), filepath.Join(tmp, "shared", "openapi")
	require.NoError(t, os.MkdirAll(root, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"), []byte("module "+sdkModule+"\n"), 0o644))
	require.NoError(t, os.MkdirAll(specs, 0o755))
	if full {
		for _, v := range apiVersions {
			require.NoError(t, os.WriteFile(filepath.Join(specs, specFile(v)), []byte("{}"), 0o644))
		}
	}
	return root, specs
}

func TestFindSpecs(t *testing.T) {
	t.Parallel()
	emptyRoot, emptySpecs := specTree(t, false)
	fullRoot, fullSpecs := specTree(t, true)
	for _, tc := range []struct {
		name    string
		root    string
		env     map[string]string
		dir     string
		ok      bool
		wantErr string
	}{
		{"absent: skip", emptyRoot, nil, emptySpecs, false, ""},
		{"absent, CI=true: fail", emptyRoot, map[string]string{"CI": "true"}, emptySpecs, false, "CI=true is set"},
		{"absent, CI=1: fail", emptyRoot, map[string]string{"CI": "1"}, emptySpecs, false, "CI=1 is set"},
		{"absent, CI=woodpecker: fail", emptyRoot, map[string]string{"CI": "woodpecker"}, emptySpecs, false, "CI=woodpecker is set"},
		{"absent, CI=false: skip", emptyRoot, map[string]string{"CI": "false"}, emptySpecs, false, ""},
		{"absent, CI=0: skip", emptyRoot, map[string]string{"CI": "0"}, emptySpecs, false, ""},
		{"present", fullRoot, nil, fullSpecs, true, ""},
		{"present, CI=true", fullRoot, map[string]string{"CI": "true"}, fullSpecs, true, ""},
		{"VB365_OPENAPI_DIR without them: fail", fullRoot, map[string]string{specDirEnv: emptySpecs}, emptySpecs, false, specDirEnv + "=" + emptySpecs},
		{"VB365_OPENAPI_DIR with them", emptyRoot, map[string]string{specDirEnv: fullSpecs}, fullSpecs, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir, ok, err := findSpecs(func(k string) string { return tc.env[k] }, func() (string, error) { return tc.root, nil })
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				assert.ErrorIs(t, err, os.ErrNotExist)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.dir, dir)
			assert.Equal(t, tc.ok, ok)
		})
	}
}

// The test binary itself, run where the descriptions are absent: a skip
// is reported on stderr, and CI or VB365_OPENAPI_DIR turn it into a
// failure.
func TestMissingSpecsInATestRun(t *testing.T) {
	t.Parallel()
	exe, err := os.Executable()
	require.NoError(t, err)
	root, specs := specTree(t, false)
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != ciEnv && k != specDirEnv {
			env = append(env, kv)
		}
	}
	run := func(extra ...string) (string, error) {
		// -test.v keeps the notice off the terminal of whoever runs
		// these tests; without it, it goes there as well.
		cmd := exec.CommandContext(t.Context(), exe, "-test.run=^TestValidatorCatches$", "-test.count=1", "-test.v")
		cmd.Dir = root
		cmd.Env = append(env[:len(env):len(env)], extra...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	out, err := run()
	require.NoError(t, err, out)
	assert.Contains(t, out, "--- SKIP: TestValidatorCatches")
	assert.Contains(t, out, "vb365 conformance: SKIPPED TestValidatorCatches: the SDK's traffic was NOT checked")
	assert.Contains(t, out, skipMessage(specs))
	assert.Contains(t, out, "\nPASS\n"+strings.Repeat("=", 78), "the notice comes after the tests, where it is seen")

	out, err = run(ciEnv + "=true")
	require.Error(t, err, out)
	assert.Contains(t, out, "--- FAIL: TestValidatorCatches")
	assert.Contains(t, out, "CI=true is set and the server's OpenAPI descriptions are missing")
	assert.NotContains(t, out, "SKIPPED")

	out, err = run(specDirEnv + "=" + specs)
	require.Error(t, err, out)
	assert.Contains(t, out, "--- FAIL: TestValidatorCatches")
	assert.Contains(t, out, specDirEnv+"="+specs)
}

func TestSkipNotice(t *testing.T) {
	t.Parallel()
	n := skipNotice([]string{"TestA", "TestB"}, skipMessage("/x/shared/openapi"))
	lines := strings.Split(strings.TrimSuffix(n, "\n"), "\n")
	require.Len(t, lines, 4)
	assert.Equal(t, strings.Repeat("=", 78), lines[0])
	assert.Equal(t, lines[0], lines[3])
	assert.Equal(t, "vb365 conformance: SKIPPED TestA, TestB: the SDK's traffic was NOT checked against the OpenAPI descriptions:", lines[1])
	for _, s := range []string{"/x/shared/openapi", specFile(vb365.V6), specFile(vb365.V8), specDirEnv, ciEnv} {
		assert.Contains(t, lines[2], s)
	}
}
