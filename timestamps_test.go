package vb365

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var may4 = time.Date(2017, 5, 4, 18, 0, 0, 0, time.UTC)

// What encoding/json returns for a time.Time field it cannot parse: the
// fallback runs on this error and no other.
func TestBadTimeIsAParseError(t *testing.T) {
	t.Parallel()
	var s RestoreSession
	data := []byte(`{"creationTime":"2017-05-04 18:00:00","endTime":"2017-05-04 18:00:00"}`)
	err := json.Unmarshal(data, &s)
	var pe *time.ParseError
	require.ErrorAs(t, err, &pe)
	fixed, ok := retryZoneless(data, &s, err)
	require.True(t, ok)
	assert.JSONEq(t, `{"creationTime":"2017-05-04T18:00:00Z","endTime":"2017-05-04T18:00:00Z"}`, string(fixed))

	data = []byte(`{"creationTime":5,"endTime":"2017-05-04 18:00:00"}`)
	err = json.Unmarshal(data, &s)
	require.Error(t, err)
	assert.False(t, errors.As(err, &pe), "a number is not a time parse error: %v", err)
	_, ok = retryZoneless(data, &s, err)
	assert.False(t, ok, "no second decoding after an error of another kind")
}

func TestZonelessTimestampsInPages(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes/m1/items", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"offset":0,"limit":10,"totalCount":2,"results":[
			{"id":"a","subject":"2017-05-04 18:00:00","location":"2017-05-04T18:00:00","sent":"2017-05-04 18:00:00",
			 "received":"2017-05-04T18:00:00.1234567","startTime":"2017-05-04 18:00:00.5","dueDate":"2017-05-04T18:00:00+03:00",
			 "_links":{"self":{"href":"/v6/x"}}},
			{"id":"b","Sent":"2017-05-04 18:00:00","postedOn":"2017-05-04T18:00:00.1234567Z"}]}`)
	})
	var items []Item
	for it, err := range c.Mailboxes.Items(t.Context(), "s1", "m1", &ItemListOptions{ListOptions: ListOptions{Limit: 10}}) {
		require.NoError(t, err)
		items = append(items, it)
	}
	require.Len(t, items, 2)
	a, b := items[0], items[1]
	assert.Equal(t, "2017-05-04 18:00:00", a.Subject, "a string field is never altered")
	assert.Equal(t, "2017-05-04T18:00:00", a.Location, "a string field is never altered")
	assert.Equal(t, may4, a.Sent)
	assert.Equal(t, time.UTC, a.Sent.Location())
	assert.Equal(t, may4.Add(123456700), a.Received)
	assert.Equal(t, may4.Add(500*time.Millisecond), a.StartTime)
	assert.True(t, a.DueDate.Equal(may4.Add(-3*time.Hour)), "a zoned time keeps its zone: %v", a.DueDate)
	assert.Equal(t, may4, b.Sent, "keys match without regard to case, as encoding/json matches them")
	assert.True(t, b.PostedOn.Equal(may4.Add(123456700)))
}

func TestZonelessTimestampsInObjects(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	// Larger than the decoder's first read, so that the object comes in
	// several.
	pad := strings.Repeat("x", 10000)
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"s1","details":"`+pad+`","reason":"2017-05-04 18:00:00",
			"creationTime":"2017-05-04 18:00:00","endTime":"2017-05-04T18:00:00.1234567","name":"2017-05-04T18:00:00"}`)
	})
	f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes/m1/items/i1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"i1","subject":"2017-05-04 18:00:00","date":"2017-05-04 18:00:00.1"}`)
	})
	s, err := c.RestoreSessions.Get(t.Context(), "s1")
	require.NoError(t, err)
	assert.Equal(t, may4, s.CreationTime)
	require.NotNil(t, s.EndTime)
	assert.Equal(t, may4.Add(123456700), *s.EndTime)
	assert.Equal(t, "2017-05-04 18:00:00", s.Reason)
	assert.Equal(t, "2017-05-04T18:00:00", s.Name)
	assert.Equal(t, pad, s.Details)

	it, err := c.Mailboxes.GetItem(t.Context(), "s1", "m1", "i1")
	require.NoError(t, err)
	assert.Equal(t, may4.Add(100*time.Millisecond), it.Date)
	assert.Equal(t, "2017-05-04 18:00:00", it.Subject)
}

// A timestamp that is wrong for another reason still fails the answer,
// with the time parse error.
func TestBadTimestampsStillFail(t *testing.T) {
	t.Parallel()
	for _, v := range []string{
		"2017-13-04 18:00:00",          // no month 13
		"2017-05-04 18:00:00.12345678", // 8 fractional digits
		"2017-05-04 18:00",             // no seconds
		"2017-05-04 18:00:00Z",         // a space and a zone
	} {
		c, f := setup(t)
		f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"id":"s1","creationTime":"2017-05-04 18:00:00","endTime":"`+v+`"}`)
		})
		f.handle("GET /v6/RestoreSessions/s1/Events", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"offset":0,"limit":10,"results":[{"id":"e1","startTime":"2017-05-04 18:00:00","endTime":"`+v+`"}]}`)
		})
		_, err := c.RestoreSessions.Get(t.Context(), "s1")
		var pe *time.ParseError
		assert.ErrorAs(t, err, &pe, v)
		err = iterErr(c.RestoreSessions.Events(t.Context(), "s1", &ListOptions{Limit: 10}))
		assert.ErrorAs(t, err, &pe, v)
	}
}

func TestRewriteZoneless(t *testing.T) {
	t.Parallel()
	keys := &timeKeys{names: map[string]bool{"sent": true, "date": true}, maxLen: 4}
	for in, want := range map[string]string{
		`{"sent":"2017-05-04 18:00:00"}`:                                        `{"sent":"2017-05-04T18:00:00Z"}`,
		`{"sent" : "2017-05-04T18:00:00.1234567" }`:                             `{"sent" : "2017-05-04T18:00:00.1234567Z" }`,
		`{"SENT":"2017-05-04 18:00:00","x":[{"date":"2017-05-04 18:00:00.1"}]}`: `{"SENT":"2017-05-04T18:00:00Z","x":[{"date":"2017-05-04T18:00:00.1Z"}]}`,
		`{"subject":"2017-05-04 18:00:00","sent":"2017-05-04 18:00:00"}`:        `{"subject":"2017-05-04 18:00:00","sent":"2017-05-04T18:00:00Z"}`,
		`{"s":"\"sent\":\"2017-05-04 18:00:00\"","sent":"2017-05-04 18:00:00"}`: `{"s":"\"sent\":\"2017-05-04 18:00:00\"","sent":"2017-05-04T18:00:00Z"}`,
	} {
		got, ok := keys.rewrite([]byte(in))
		assert.True(t, ok, in)
		assert.Equal(t, want, string(got), in)
	}
	for _, in := range []string{
		`{"subject":"2017-05-04 18:00:00"}`,          // not a time key
		`["sent","2017-05-04 18:00:00"]`,             // not a key
		`{"s":"{\"sent\":\"2017-05-04 18:00:00\"}"}`, // a key inside a string
		`{"s\u0065nt":"2017-05-04 18:00:00"}`,        // an escaped key
		`{"sent":"2017-05-04T18:00:00Z"}`,            // has a zone
		`{"sent":"2017-05-04T18:00:00.12345678"}`,    // 8 fractional digits
		`{"sent":"2017-05-04T18:00:00."}`,
		`{"sent":"2017-05-04X18:00:00"}`,
		`{"sent":"17-05-04 18:00:00"}`,
		`{"sent":20170504}`,
		`{"sent":"2017-05-04 18:00:00`, // unterminated
		`{"sent`,
	} {
		got, ok := keys.rewrite([]byte(in))
		assert.False(t, ok, in)
		assert.Nil(t, got, in)
	}
}

// The time keys come from the models' json tags; a name that is a time
// in one place and anything else in another is never rewritten.
func TestTimeKeysFromModels(t *testing.T) {
	t.Parallel()
	names := func(v any) []string {
		return slices.Sorted(maps.Keys(timeKeysOf(reflect.TypeOf(v)).names))
	}
	assert.Equal(t, []string{"date", "duedate", "endtime", "postedon", "received", "sent", "startdate", "starttime"},
		names(&Page[Item]{}))
	assert.Equal(t, []string{"creationtime", "endtime"}, names(&RestoreSession{}))
	assert.Equal(t, []string{"endtime", "starttime"}, names(&Page[RestoreSessionEvent]{}))
	assert.Empty(t, names(&Page[Mailbox]{}))
	assert.Empty(t, names(&tokenResponse{}))

	type inner struct {
		When  string    `json:"when"`
		Other time.Time `json:"other"`
	}
	type embedded struct {
		Promoted time.Time `json:"promoted"`
	}
	type outer struct {
		embedded
		When   time.Time  `json:"WHEN"`
		At     *time.Time `json:"at,omitempty"`
		Inner  []*inner   `json:"inner"`
		Plain  time.Time
		Hidden time.Time `json:"-"`
		hidden time.Time
	}
	assert.Equal(t, []string{"at", "other", "plain", "promoted"}, names(outer{hidden: may4}))
	assert.Empty(t, names(nil))
}
