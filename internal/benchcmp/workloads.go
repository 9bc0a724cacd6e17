package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vb365-go/vb365"
)

// The variants: the SDK as shipped, the SDK with retries off, and the floor:
// net/http and encoding/json with a bearer header set by hand.
const (
	variantSDK     = "sdk"
	variantNoRetry = "sdk-noretry"
	variantFloor   = "floor"
)

var variants = []string{variantFloor, variantSDK, variantNoRetry}

// workload is one piece of work, done by each variant.
type workload struct {
	name string
	// once does the work one time with the variant's client.
	once func(c *client) error
	// units, when set, is how many of unit the work moves, for a line of
	// throughput.
	unit  string
	units float64
}

// run does the work b.N times.
func (w workload) run(b *testing.B, c *client) {
	for b.Loop() {
		if err := w.once(c); err != nil {
			b.Fatal(err)
		}
	}
}

// client holds what a variant calls with.
type client struct {
	variant string
	sdk     *vb365.Client
	hc      *http.Client
	base    string // server URL + "/v6"
}

// newTransport is the transport of every variant: the SDK's own settings.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 100
	t.MaxConnsPerHost = 32
	t.MaxIdleConnsPerHost = 32
	return t
}

func newClient(variant string, s *server) *client {
	c := &client{variant: variant, base: s.url() + "/v6", hc: &http.Client{Transport: newTransport()}}
	if variant == variantFloor {
		return c
	}
	opts := []vb365.Option{vb365.WithOperator("bench.tenant", "assertion"), vb365.WithHTTPClient(c.hc)}
	if variant == variantNoRetry {
		opts = append(opts, vb365.WithRetry(0, 0, 0))
	}
	sdk, err := vb365.NewClient(s.url(), opts...)
	if err != nil {
		panic(err)
	}
	// Log in before timing starts.
	if _, err := sdk.Mailboxes.Get(context.Background(), "s1", "m1"); err != nil {
		panic(err)
	}
	c.sdk = sdk
	return c
}

func (c *client) close() { c.hc.CloseIdleConnections() }

// floorDo sends one request by hand and decodes a JSON answer into out.
func (c *client) floorDo(ctx context.Context, method, url string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	err = json.NewDecoder(resp.Body).Decode(out)
	_, _ = io.Copy(io.Discard, resp.Body)
	return err
}

func workloads(sz sizes) []workload {
	return []workload{
		{name: "MailboxesGet", once: mailboxesGet},
		{name: "OperatorRestore50", once: operatorRestore(restoreIDs(50))},
		{name: "OperatorRestore" + strconv.Itoa(sz.restoreItems), once: operatorRestore(restoreIDs(sz.restoreItems))},
		{name: "IterateMailboxes" + thousands(sz.mailboxes), once: iterate(sz.mailboxes, mailboxesPath)},
		{name: "IterateItems" + thousands(sz.items), once: iterate(sz.items, itemsPath)},
		{
			name: fmt.Sprintf("MailboxWalk%dx%d", sz.walkMailboxes, sz.walkGoroutines), once: walkMailboxes(sz),
			unit: "mailboxes", units: float64(sz.walkMailboxes),
		},
		{name: "ExportToPST" + bytesName(sz.pst), once: exportToPST(sz, false), unit: "MiB", units: float64(sz.pst) / (1 << 20)},
		{name: "ExportToPST" + bytesName(sz.pst) + "Progress", once: exportToPST(sz, true), unit: "MiB", units: float64(sz.pst) / (1 << 20)},
	}
}

// thousands names a count: "10k", or the number.
func thousands(n int) string {
	if n%1000 == 0 {
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// bytesName names a size: "1GiB", "3MiB", or the number.
func bytesName(n int64) string {
	switch {
	case n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + "GiB"
	case n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MiB"
	}
	return strconv.FormatInt(n, 10) + "B"
}

func mailboxesGet(c *client) error {
	ctx := context.Background()
	var m *vb365.Mailbox
	var err error
	if c.sdk != nil {
		m, err = c.sdk.Mailboxes.Get(ctx, "s1", "m1")
	} else {
		m = new(vb365.Mailbox)
		err = c.floorDo(ctx, "GET", c.base+"/RestoreSessions/s1/organization/mailboxes/m1", nil, m)
	}
	if err == nil && m.Name == "" {
		err = errors.New("no mailbox name")
	}
	return err
}

// restoreIDs returns n item IDs of the server's shape.
func restoreIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("AAMkADc3+/%08d==", i)
	}
	return ids
}

// operatorRestore restores the items ids: the SDK checks and encodes them,
// the floor encodes them with encoding/json.
func operatorRestore(ids []string) func(c *client) error {
	return func(c *client) error {
		ctx := context.Background()
		var r *vb365.RestoreResult
		var err error
		if c.sdk != nil {
			r, err = c.sdk.Mailboxes.OperatorRestore(ctx, "s1", "m1", &vb365.OperatorRestoreRequest{
				ItemIDs: ids, Folder: "Restored", MarkRestoredAsUnread: true, Reason: "benchmark",
			})
		} else {
			type ref struct {
				ID string `json:"id"`
			}
			body := struct {
				ChangedItems         bool   `json:"changedItems"`
				DeletedItems         bool   `json:"deletedItems"`
				MarkRestoredAsUnread bool   `json:"markRestoredAsUnread"`
				Folder               string `json:"folder,omitempty"`
				Items                []ref  `json:"items"`
				Reason               string `json:"reason,omitempty"`
			}{MarkRestoredAsUnread: true, Folder: "Restored", Reason: "benchmark", Items: make([]ref, len(ids))}
			for i, id := range ids {
				body.Items[i].ID = id
			}
			raw, _ := json.Marshal(body)
			r = new(vb365.RestoreResult)
			err = c.floorDo(ctx, "POST", c.base+"/RestoreSessions/s1/organization/mailboxes/m1/items/operatorRestore", raw, r)
		}
		if err == nil && r.SessionID == "" {
			err = errors.New("no session ID")
		}
		return err
	}
}

// walkMailboxIDs are the IDs of the mailboxes walked.
var walkMailboxIDs = func() []string {
	ids := make([]string, 100000)
	for i := range ids {
		ids[i] = fmt.Sprintf("6f1d2c3b-0000-4000-8000-%012d", i)
	}
	return ids
}()

// walkMailboxes has sz.walkGoroutines goroutines walk sz.walkMailboxes
// mailboxes, each its own: all the folders of a mailbox, page by page,
// then the first page of its items.
func walkMailboxes(sz sizes) func(c *client) error {
	return func(c *client) error {
		var wg sync.WaitGroup
		var first atomic.Pointer[error]
		for g := range sz.walkGoroutines {
			wg.Go(func() {
				for i := g; i < sz.walkMailboxes; i += sz.walkGoroutines {
					if err := c.walkMailbox(sz, walkMailboxIDs[i]); err != nil {
						first.CompareAndSwap(nil, &err)
						return
					}
				}
			})
		}
		wg.Wait()
		if p := first.Load(); p != nil {
			return *p
		}
		return nil
	}
}

func (c *client) walkMailbox(sz sizes, id string) error {
	ctx := context.Background()
	folders, items := 0, 0
	if c.sdk != nil {
		for f, err := range c.sdk.Mailboxes.Folders(ctx, "s1", id, &vb365.FolderListOptions{ListOptions: vb365.ListOptions{Limit: sz.folderPage}}) {
			if err != nil {
				return err
			}
			if f.MailboxID != id || f.ParentID == "" {
				return fmt.Errorf("folder %s: mailbox %q, parent %q", f.ID, f.MailboxID, f.ParentID)
			}
			folders++
		}
		for _, err := range c.sdk.Mailboxes.Items(ctx, "s1", id, &vb365.ItemListOptions{ListOptions: vb365.ListOptions{Limit: sz.itemPage}}) {
			if err != nil {
				return err
			}
			if items++; items == sz.itemPage {
				break
			}
		}
	} else {
		path := c.base + "/RestoreSessions/s1/organization/mailboxes/" + url.PathEscape(id)
		for offset := 0; ; {
			var page struct {
				Results []vb365.Folder `json:"results"`
			}
			err := c.floorDo(ctx, "GET", path+"/folders?offset="+strconv.Itoa(offset)+"&limit="+strconv.Itoa(sz.folderPage), nil, &page)
			if err != nil {
				return err
			}
			folders += len(page.Results)
			if len(page.Results) < sz.folderPage {
				break
			}
			offset += len(page.Results)
		}
		var page struct {
			Results []vb365.Item `json:"results"`
		}
		if err := c.floorDo(ctx, "GET", path+"/items?offset=0&limit="+strconv.Itoa(sz.itemPage), nil, &page); err != nil {
			return err
		}
		items = len(page.Results)
	}
	if folders != sz.folders || items != sz.itemPage {
		return fmt.Errorf("mailbox %s: %d folders and %d items, not %d and %d", id, folders, items, sz.folders, sz.itemPage)
	}
	return nil
}

// discard is where the PSTs go: a writer that only writes, as a file does
// for a body (io.Discard would have io.Copy read the floor's body 8 KiB
// at a time, and the SDK's 32 KiB at a time).
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// exportToPST exports the whole mailbox m1 into discard: the SDK with or
// without a Progress function, the floor with io.Copy.
func exportToPST(sz sizes, progress bool) func(c *client) error {
	return func(c *client) error {
		n, reported, err := c.export(discard{}, progress)
		switch {
		case err != nil:
			return err
		case n != sz.pst:
			return fmt.Errorf("exported %d bytes, not %d", n, sz.pst)
		case progress && c.sdk != nil && reported != sz.pst:
			return fmt.Errorf("progress reported %d bytes, not %d", reported, sz.pst)
		}
		return nil
	}
}

// export exports the mailbox m1 into w; reported is what the last call of
// Progress said was written.
func (c *client) export(w io.Writer, progress bool) (n, reported int64, err error) {
	ctx := context.Background()
	if c.sdk != nil {
		var opts *vb365.ExportOptions
		if progress {
			opts = &vb365.ExportOptions{DownloadOptions: vb365.DownloadOptions{Progress: func(written, _ int64) { reported = written }}}
		}
		d, err := c.sdk.Mailboxes.ExportToPST(ctx, "s1", "m1", vb365.ScopeMailbox(), w, opts)
		if err != nil {
			return 0, 0, err
		}
		return d.Written, reported, nil
	}
	req, err := http.NewRequestWithContext(ctx, "POST", c.base+"/RestoreSessions/s1/organization/mailboxes/m1/exportToPst",
		strings.NewReader(`{"enablePstSizeLimit":false}`))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	n, err = io.Copy(w, resp.Body)
	return n, 0, err
}

// The lists iterated, after the version.
const (
	mailboxesPath = "/RestoreSessions/s1/organization/mailboxes"
	itemsPath     = "/RestoreSessions/s1/organization/mailboxes/m1/items"
)

// pageSize is the page size of the iteration workloads.
const pageSize = 1000

// iterate walks all results of a list with pages of pageSize.
func iterate(total int, path string) func(c *client) error {
	return func(c *client) error {
		n, err := c.walk(path, nil)
		if err == nil && n != total {
			err = fmt.Errorf("saw %d results of %d", n, total)
		}
		return err
	}
}

// walk iterates over a list and returns how many results it saw; each is
// passed to visit, when set (the heap measurement).
func (c *client) walk(path string, visit func(i int)) (int, error) {
	ctx := context.Background()
	n := 0
	opts := vb365.ListOptions{Limit: pageSize}
	items := path == itemsPath
	switch {
	case c.sdk != nil && items:
		for it, err := range c.sdk.Mailboxes.Items(ctx, "s1", "m1", &vb365.ItemListOptions{ListOptions: opts}) {
			if err != nil || it.ID == "" {
				return n, err
			}
			if visit != nil {
				visit(n)
			}
			n++
		}
	case c.sdk != nil:
		for m, err := range c.sdk.Mailboxes.All(ctx, "s1", &opts) {
			if err != nil || m.ID == "" {
				return n, err
			}
			if visit != nil {
				visit(n)
			}
			n++
		}
	case items:
		return floorWalk[vb365.Item](c, ctx, path, visit)
	default:
		return floorWalk[vb365.Mailbox](c, ctx, path, visit)
	}
	return n, nil
}

// floorWalk is the hand-written iteration: page by page until a short page.
func floorWalk[T any](c *client, ctx context.Context, path string, visit func(i int)) (int, error) {
	n := 0
	for offset := 0; ; {
		var page struct {
			Results []T `json:"results"`
		}
		url := c.base + path + "?offset=" + strconv.Itoa(offset) + "&limit=" + strconv.Itoa(pageSize)
		if err := c.floorDo(ctx, "GET", url, nil, &page); err != nil {
			return n, err
		}
		for range page.Results {
			if visit != nil {
				visit(n)
			}
			n++
		}
		if len(page.Results) < pageSize {
			return n, nil
		}
		offset += len(page.Results)
	}
}
