package vb365

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"time"
)

// Timestamps without a zone. The server's documentation shows times such as
// "2017-05-04 18:00:00": no zone, a space for the T. time.Time's
// UnmarshalJSON wants RFC 3339 and fails the whole answer on one such
// value. The models keep time.Time; instead, an answer whose decoding
// failed with a *time.ParseError (what encoding/json returns, unwrapped,
// when a time.Time field refuses its value) is decoded again with each
// zoneless timestamp under a time field's key rewritten as UTC RFC 3339
// ("2017-05-04T18:00:00Z"). Answers that decode the first time never come
// here.
//
// Which keys are time fields comes from the type decoded into, by
// reflection, once per type: the json names of its time.Time and
// *time.Time fields, at any depth, matched without regard to case as
// encoding/json matches them. A name that is a time field somewhere in the
// type and another kind of field elsewhere in it is left out, so a string
// (an item's subject) that looks like a timestamp is never altered. A name
// is matched wherever it stands as an object key; objects the type does not
// describe are not decoded, so rewriting in them changes nothing.

// retryZoneless returns data with its zoneless timestamps rewritten, when
// err, from decoding data into v, is a time parse error and data holds
// such a timestamp under one of v's time keys. ok is false otherwise.
func retryZoneless(data []byte, v any, err error) (fixed []byte, ok bool) {
	if _, isTime := errors.AsType[*time.ParseError](err); !isTime {
		return nil, false
	}
	keys := timeKeysOf(reflect.TypeOf(v))
	if len(keys.names) == 0 {
		return nil, false
	}
	return keys.rewrite(data)
}

// recorded is the body of an object as decodeJSON reads it, kept in case
// it has to be decoded again. Recorders, with their buffers, are reused.
type recorded struct {
	capped
	buf []byte
}

// maxRecorded bounds the buffer a recorder keeps for the next object.
const maxRecorded = 64 << 10

var recordPool = sync.Pool{New: func() any { return new(recorded) }}

func newRecorded(c capped) *recorded {
	r := recordPool.Get().(*recorded)
	r.capped, r.buf = c, r.buf[:0]
	return r
}

func (r *recorded) Read(p []byte) (int, error) {
	n, err := r.capped.Read(p)
	r.buf = append(r.buf, p[:n]...)
	return n, err
}

// release returns r to the pool, holding on to no body and none of its
// bytes (a token answer's are secret).
func (r *recorded) release() {
	r.capped = capped{}
	clear(r.buf)
	if cap(r.buf) > maxRecorded {
		r.buf = nil
	}
	recordPool.Put(r)
}

// decodeZoneless decodes the recorded body into out again, with its
// zoneless timestamps rewritten, when err, from the first decoding, calls
// for it; otherwise it returns err. The decoder read the whole first value
// before it decoded any of it, so the record holds that value.
func (r *recorded) decodeZoneless(out any, err error) error {
	fixed, ok := retryZoneless(r.buf, out, err)
	if !ok {
		return err
	}
	return json.NewDecoder(bytes.NewReader(fixed)).Decode(out)
}

// timeKeys are the object keys whose values decode into time fields,
// lower-cased.
type timeKeys struct {
	names  map[string]bool
	maxLen int
}

var (
	timeKeyCache  sync.Map // reflect.Type → *timeKeys
	timeType      = reflect.TypeFor[time.Time]()
	unmarshalType = reflect.TypeFor[json.Unmarshaler]()
)

// timeKeysOf returns the time keys of t.
func timeKeysOf(t reflect.Type) *timeKeys {
	if k, ok := timeKeyCache.Load(t); ok {
		return k.(*timeKeys)
	}
	times, others := map[string]bool{}, map[string]bool{}
	if t != nil {
		collectKeys(t, times, others, map[reflect.Type]bool{})
	}
	k := &timeKeys{names: map[string]bool{}}
	for name := range times {
		if !others[name] {
			k.names[name] = true
			k.maxLen = max(k.maxLen, len(name))
		}
	}
	kk, _ := timeKeyCache.LoadOrStore(t, k)
	return kk.(*timeKeys)
}

// collectKeys adds the lower-cased json names of the fields of t, and of
// the structs it holds, to times (time.Time and *time.Time fields) or
// others (any other field), as encoding/json names them.
func collectKeys(t reflect.Type, times, others map[string]bool, seen map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == timeType || seen[t] || reflect.PointerTo(t).Implements(unmarshalType) {
		return
	}
	seen[t] = true
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			collectKeys(ft, times, others, seen) // promoted fields
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		name = strings.ToLower(name)
		if ft == timeType {
			times[name] = true
			continue
		}
		others[name] = true
		collectKeys(f.Type, times, others, seen)
	}
}

// has reports whether key, as it stands between quotes in the JSON, is a
// time key. A key with escapes is not one: the rewrite leaves its value as
// it is, and decoding fails as it did.
func (k *timeKeys) has(key []byte) bool {
	if len(key) > k.maxLen {
		return false
	}
	var lower [64]byte
	if len(key) > len(lower) {
		return false
	}
	for i, c := range key {
		if c == '\\' {
			return false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	return k.names[string(lower[:len(key)])]
}

// rewrite returns data with the zoneless timestamps that are values of
// time keys rewritten as UTC RFC 3339; ok is false when there are none.
// Strings are skipped whole, so a key inside a string is not a key.
func (k *timeKeys) rewrite(data []byte) (out []byte, ok bool) {
	done := 0 // data[:done] is in out
	for i := 0; i < len(data); i++ {
		if data[i] != '"' {
			continue
		}
		end := stringEnd(data, i)
		if end < 0 {
			break
		}
		j := skipSpace(data, end+1)
		if j == len(data) || data[j] != ':' || !k.has(data[i+1:end]) {
			i = end // a value, or a key of no time field
			continue
		}
		j = skipSpace(data, j+1)
		if j == len(data) || data[j] != '"' {
			i = end
			continue
		}
		vend := stringEnd(data, j)
		if vend < 0 {
			break
		}
		if v := data[j+1 : vend]; zoneless(v) {
			if out == nil {
				out = make([]byte, 0, len(data)+32)
			}
			out = append(out, data[done:j+1]...)
			out = append(out, v[:10]...)
			out = append(out, 'T')
			out = append(out, v[11:]...)
			out = append(out, 'Z')
			done = vend
		}
		i = vend
	}
	if out == nil {
		return nil, false
	}
	return append(out, data[done:]...), true
}

// stringEnd returns the index of the quote that closes the string opened
// at data[i], or -1.
func stringEnd(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return -1
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n') {
		i++
	}
	return i
}

// zoneless reports whether s is "2006-01-02 15:04:05" or
// "2006-01-02T15:04:05", with 1 to 7 fractional digits or none, and no
// zone: what .NET writes for a DateTime of unspecified kind.
func zoneless(s []byte) bool {
	if len(s) < 19 || len(s) == 20 || len(s) > 27 {
		return false
	}
	for i, c := range s {
		switch {
		case i == 4 || i == 7:
			if c != '-' {
				return false
			}
		case i == 10:
			if c != ' ' && c != 'T' {
				return false
			}
		case i == 13 || i == 16:
			if c != ':' {
				return false
			}
		case i == 19:
			if c != '.' {
				return false
			}
		case c < '0' || c > '9':
			return false
		}
	}
	return true
}
