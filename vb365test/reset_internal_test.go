package vb365test

import (
	"reflect"
	"testing"
)

// TestResetCoversServerState fails when Server gains a field that this
// test does not classify: a field of state (sessions, tokens, counters...)
// must be reset by Reset (extras.go) and listed in reset; a field that
// does not change with requests goes in kept.
func TestResetCoversServerState(t *testing.T) {
	reset := map[string]bool{
		"requests": true, "faults": true, "faultCount": true, "access": true, "refresh": true,
		"sessions": true, "sessByID": true, "restores": true, "actions": true, "searchSets": true,
		"searchSeq": true, "exportSize": true, "exportRev": true, "tokenTimes": true, "logins": true,
		"ext": true,
	}
	kept := map[string]bool{
		"URL": true, "ts": true, "cfg": true, "idx": true, "closing": true, "closed": true, "conns": true,
		"open": true, "peak": true, // connections, as counted by the listener's ConnState
		"mu": true, "hook": true,
	}
	typ := reflect.TypeFor[Server]()
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		if !reset[name] && !kept[name] {
			t.Errorf("Server.%s: is it state that Reset must clear? Reset it in Reset and list it in reset, or list it in kept", name)
		}
	}
}
