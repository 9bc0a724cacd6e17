package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/itchyny/gojq"

	"github.com/vb365-go/vb365"
)

// output writes results as a table for people, as JSON for scripts (one
// object per line for lists, one object for a single result), or as
// tab-separated values for shell loops (one line per result, no header).
// The JSON field names are the CLI's own, listed in the record types below,
// and stay stable; --jq filters them with gojq.
type output struct {
	json, tsv bool
	w         io.Writer
	jq        *gojq.Code // --jq, or nil
	ctx       context.Context
}

// newOutput returns the output of format, filtered by the jq expression
// when one is given; a bad expression is a usage error.
func newOutput(ctx context.Context, format, jq string, w io.Writer) (output, error) {
	o := output{json: format == "json", tsv: format == "tsv", w: w, ctx: ctx}
	if jq == "" {
		return o, nil
	}
	q, err := gojq.Parse(jq)
	if err != nil {
		return o, usagef("--jq: %v", err)
	}
	if o.jq, err = gojq.Compile(q); err != nil {
		return o, usagef("--jq: %v", err)
	}
	return o, nil
}

// jsonLine writes v as one line of JSON, or what --jq makes of it: strings
// as they are, other values as JSON, one per line (as jq -r does).
func (o output) jsonLine(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if o.jq == nil {
		_, err = o.w.Write(append(b, '\n'))
		return err
	}
	var in any
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	iter := o.jq.RunWithContext(o.ctx, in)
	for {
		r, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, ok := r.(error); ok {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				return nil // halt: stop without an error
			}
			return &jqError{err}
		}
		var line []byte
		if s, ok := r.(string); ok {
			line = []byte(s)
		} else if line, err = gojq.Marshal(r); err != nil {
			return &jqError{err}
		}
		if _, err := o.w.Write(append(line, '\n')); err != nil {
			return err
		}
	}
}

// jqError is an error of the --jq expression on the output.
type jqError struct{ err error }

func (e *jqError) Error() string { return "--jq: " + e.err.Error() }
func (e *jqError) Unwrap() error { return e.err }

// one writes a single result: v as JSON, the fields' values on one
// tab-separated line, or the fields as "name: value" lines.
func (o output) one(v any, fields ...field) error {
	switch {
	case o.json:
		return o.jsonLine(v)
	case o.tsv:
		cells := make([]string, len(fields))
		for i, f := range fields {
			cells[i] = cell(f.value)
		}
		_, err := fmt.Fprintln(o.w, strings.Join(cells, "\t"))
		return err
	}
	tw := tabwriter.NewWriter(o.w, 0, 0, 2, ' ', 0)
	for _, f := range fields {
		fmt.Fprintf(tw, "%s:\t%s\n", f.name, cell(f.value))
	}
	return tw.Flush()
}

type field struct{ name, value string }

// table is a list being written: JSON or tab-separated lines as the rows
// come, or a table flushed at the end (a table needs every row to align its
// columns).
type table struct {
	o     output
	tw    *tabwriter.Writer
	names []string
	width map[int]int // the width a column is clipped to in a table
	rows  int
}

func (o output) table(columns ...string) *table {
	t := &table{o: o, names: columns, width: map[int]int{}}
	if !o.json && !o.tsv {
		t.tw = tabwriter.NewWriter(o.w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(t.tw, strings.Join(columns, "\t"))
	}
	return t
}

// clip shortens the cells of the named column to n runes in a table; JSON
// and tab-separated lines keep them whole.
func (t *table) clip(column string, n int) *table {
	for i, name := range t.names {
		if name == column {
			t.width[i] = n
		}
	}
	return t
}

// row writes one result: v as a JSON line, or cells as a tab-separated line
// or a table row.
func (t *table) row(v any, cells ...string) error {
	if t.o.json {
		return t.o.jsonLine(v)
	}
	for i, c := range cells {
		c = cell(c)
		if n := t.width[i]; n > 0 && t.tw != nil {
			c = clip(c, n)
		}
		cells[i] = c
	}
	t.rows++
	w := io.Writer(t.tw)
	if t.tw == nil {
		w = t.o.w
	}
	_, err := fmt.Fprintln(w, strings.Join(cells, "\t"))
	return err
}

// end writes the table and returns err, the listing's error. A listing that
// failed before its first row writes nothing, not a lone header.
func (t *table) end(err error) error {
	if t.tw == nil || (err != nil && t.rows == 0) {
		return err
	}
	return errors.Join(err, t.tw.Flush())
}

// cell makes text from the server safe for one table cell or tab-separated
// value on a terminal: control characters (tabs, newlines, escape sequences
// in a subject) become spaces.
func cell(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// clip shortens s to n runes for a table column.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// when formats a time: in a table local time to the minute, in
// tab-separated lines RFC 3339 in UTC; "-" for none.
func (o output) when(t time.Time) string {
	switch {
	case t.IsZero():
		return "-"
	case o.tsv:
		return t.UTC().Format(time.RFC3339)
	}
	return t.Local().Format("2006-01-02 15:04")
}

// bytes formats a size: with a binary unit in a table, a number of bytes
// in tab-separated lines.
func (o output) bytes(n int64) string {
	if o.tsv {
		return strconv.FormatInt(n, 10)
	}
	return humanBytes(n)
}

// timePtr is a time for JSON: null when the server sent none.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// JSON records. Field names are lower camel case and do not change.

type portalSettingsJSON struct {
	ApplicationID    string `json:"applicationId"`
	MSALAuthorityURI string `json:"msalAuthorityUri"`
	IsEnabled        bool   `json:"isEnabled"`
}

type sessionJSON struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Organization string     `json:"organization"`
	Type         string     `json:"type"`
	State        string     `json:"state"`
	Result       string     `json:"result"`
	CreationTime *time.Time `json:"creationTime"`
	EndTime      *time.Time `json:"endTime"`
	InitiatedBy  string     `json:"initiatedBy"`
	ScopeName    string     `json:"scopeName"`
	Reason       string     `json:"reason"`
}

func sessionRecord(s *vb365.RestoreSession) sessionJSON {
	j := sessionJSON{
		ID: s.ID, Name: s.Name, Organization: s.Organization, Type: string(s.Type),
		State: string(s.State), Result: string(s.Result), CreationTime: timePtr(s.CreationTime),
		InitiatedBy: s.InitiatedBy, ScopeName: s.ScopeName, Reason: s.Reason,
	}
	if s.EndTime != nil {
		j.EndTime = timePtr(*s.EndTime)
	}
	return j
}

type eventJSON struct {
	ID            string     `json:"id"`
	Order         int        `json:"order"`
	Type          string     `json:"type"`
	Status        string     `json:"status"`
	StartTime     *time.Time `json:"startTime"`
	EndTime       *time.Time `json:"endTime"`
	Duration      string     `json:"duration"`
	Title         string     `json:"title"`
	Message       string     `json:"message"`
	ItemName      string     `json:"itemName"`
	ItemType      string     `json:"itemType"`
	ItemSizeBytes int64      `json:"itemSizeBytes"`
	Source        string     `json:"source"`
	Target        string     `json:"target"`
}

func eventRecord(e *vb365.RestoreSessionEvent) eventJSON {
	j := eventJSON{
		ID: e.ID, Order: e.Order, Type: string(e.Type), Status: string(e.Status),
		StartTime: timePtr(e.StartTime), Duration: e.Duration, Title: e.Title, Message: e.Message,
		ItemName: e.ItemName, ItemType: e.ItemType, ItemSizeBytes: e.ItemSizeBytes,
		Source: e.Source, Target: e.Target,
	}
	if e.EndTime != nil {
		j.EndTime = timePtr(*e.EndTime)
	}
	return j
}

type mailboxJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	IsArchive bool   `json:"isArchive"`
	IsPublic  bool   `json:"isPublic"`
}

func mailboxRecord(m *vb365.Mailbox) mailboxJSON {
	return mailboxJSON{ID: m.ID, Name: m.Name, Email: m.Email, IsArchive: m.IsArchive, IsPublic: m.IsPublic}
}

// mailboxKind names a mailbox's kind for a table.
func mailboxKind(m *vb365.Mailbox) string {
	switch {
	case m.IsArchive:
		return "archive"
	case m.IsPublic:
		return "public"
	}
	return "user"
}

type folderJSON struct {
	ID          string `json:"id"`
	MailboxID   string `json:"mailboxId"`
	ParentID    string `json:"parentId"` // "" for a top-level folder
	Name        string `json:"name"`
	Category    string `json:"category"`
	Type        string `json:"type"`
	Description string `json:"description"`
}

func folderRecord(mailboxID string, f *vb365.Folder) folderJSON {
	return folderJSON{
		ID: f.ID, MailboxID: mailboxID, ParentID: f.ParentID, Name: f.Name, Category: string(f.Category),
		Type: string(f.Type), Description: f.Description,
	}
}

type itemJSON struct {
	ID        string `json:"id"`
	MailboxID string `json:"mailboxId"`
	FolderID  string `json:"folderId"` // "" when the server does not say

	ItemClass   string           `json:"itemClass"`
	Subject     string           `json:"subject"`
	From        string           `json:"from"`
	To          string           `json:"to"`
	Cc          string           `json:"cc"`
	Bcc         string           `json:"bcc"`
	Sent        *time.Time       `json:"sent"`
	Received    *time.Time       `json:"received"`
	Importance  string           `json:"importance"`
	Attachments []attachmentJSON `json:"attachments"`
}

type attachmentJSON struct {
	Name      string `json:"name"`
	SizeBytes int64  `json:"sizeBytes"`
}

// itemRecord converts it; mailboxID is the mailbox asked for, or "" for a
// search of every mailbox, whose hits name their own.
func itemRecord(mailboxID string, it *vb365.Item) itemJSON {
	if mailboxID == "" {
		mailboxID = it.MailboxID
	}
	j := itemJSON{
		ID: it.ID, MailboxID: mailboxID, FolderID: it.FolderID, ItemClass: it.ItemClass, Subject: it.Subject,
		From: it.From, To: it.To, Cc: it.Cc, Bcc: it.Bcc,
		Sent: timePtr(it.Sent), Received: timePtr(it.Received), Importance: string(it.Importance),
		Attachments: make([]attachmentJSON, 0, len(it.Attachments)),
	}
	for _, at := range it.Attachments {
		j.Attachments = append(j.Attachments, attachmentJSON{Name: at.Name, SizeBytes: at.SizeBytes})
	}
	return j
}

// itemDate is the date that best places an item in a table: when it was
// received, sent, or starts.
func itemDate(it *vb365.Item) time.Time {
	for _, t := range []time.Time{it.Received, it.Sent, it.StartTime, it.PostedOn, it.Date} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

type restoreJSON struct {
	SessionID string `json:"sessionId"`
	MailboxID string `json:"mailboxId"`
	ItemCount int    `json:"itemCount"`
	Folder    string `json:"folder"`
	// Set with --wait: the session's events summed up.
	Summary *summaryJSON `json:"summary,omitempty"`
}

type summaryJSON struct {
	Restored int `json:"restored"`
	Failed   int `json:"failed"`
	Skipped  int `json:"skipped"`
	Warnings int `json:"warnings"`
}

type oneDriveJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

func oneDriveRecord(od *vb365.OneDrive) oneDriveJSON {
	return oneDriveJSON{ID: od.ID, Name: od.Name, URL: od.URL}
}

type documentJSON struct {
	ID         string `json:"id"`
	OneDriveID string `json:"oneDriveId"`
	ParentID   string `json:"parentId"` // "" at the root of the OneDrive
	Name       string `json:"name"`
	IsFolder   bool   `json:"isFolder"`
	SizeBytes  int64  `json:"sizeBytes"`
	// Version is the version's label ("3.0"); VersionID is what --version
	// takes.
	Version          string     `json:"version"`
	VersionID        int64      `json:"versionId"`
	CreatedBy        string     `json:"createdBy"`
	CreationTime     *time.Time `json:"creationTime"`
	ModifiedBy       string     `json:"modifiedBy"`
	ModificationTime *time.Time `json:"modificationTime"`
}

// documentRecord converts d; the SDK sets its OneDriveID on every version.
func documentRecord(d *vb365.Document) documentJSON {
	return documentJSON{
		ID: d.ID, OneDriveID: d.OneDriveID, ParentID: d.ParentID, Name: d.Name, IsFolder: d.IsFolder, SizeBytes: d.SizeBytes,
		Version: d.Version, VersionID: d.VersionID, CreatedBy: d.CreatedBy, CreationTime: timePtr(d.CreationTime),
		ModifiedBy: d.ModifiedBy, ModificationTime: timePtr(d.ModificationTime),
	}
}

type documentRestoreJSON struct {
	SessionID     string `json:"sessionId"`
	OneDriveID    string `json:"oneDriveId"`
	DocumentCount int    `json:"documentCount"`
	// Versions is "Last" or "All"; Action is "Keep" or "Overwrite".
	Versions string `json:"versions"`
	Action   string `json:"action"`
	// Set with --wait: the session's events summed up.
	Summary *summaryJSON `json:"summary,omitempty"`
}

type downloadJSON struct {
	File        string `json:"file"`
	Bytes       int64  `json:"bytes"`
	ContentType string `json:"contentType"`
	Resumes     int    `json:"resumes"`
}

type versionJSON struct {
	Version           string   `json:"version"`
	GoVersion         string   `json:"goVersion"`
	APIVersions       []string `json:"apiVersions"`
	DefaultAPIVersion string   `json:"defaultApiVersion"`
}

type stopJSON struct {
	ID    string `json:"id"`
	State string `json:"state"`
}
