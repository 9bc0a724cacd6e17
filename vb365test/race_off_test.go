//go:build !race

package vb365test_test

// raceEnabled reports whether the race detector is on: heavy tests shrink.
const raceEnabled = false
