//go:build !race

package vb365_test

// raceEnabled: the race detector slows byte-heavy tests tenfold.
const raceEnabled = false
