package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
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

func workloads() []workload {
	return []workload{
		{"MailboxesGet", mailboxesGet},
		{"OperatorRestore50", operatorRestore50},
		{"IterateMailboxes10k", iterate(10000, "/RestoreSessions/s1/organization/mailboxes")},
		{"IterateItems100k", iterate(100000, "/RestoreSessions/s1/organization/mailboxes/m1/items")},
	}
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

var restoreIDs = func() []string {
	ids := make([]string, 50)
	for i := range ids {
		ids[i] = fmt.Sprintf("AAMkADc3+/%08d==", i)
	}
	return ids
}()

func operatorRestore50(c *client) error {
	ctx := context.Background()
	var r *vb365.RestoreResult
	var err error
	if c.sdk != nil {
		r, err = c.sdk.Mailboxes.OperatorRestore(ctx, "s1", "m1", &vb365.OperatorRestoreRequest{
			ItemIDs: restoreIDs, Folder: "Restored", MarkRestoredAsUnread: true, Reason: "benchmark",
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
		}{MarkRestoredAsUnread: true, Folder: "Restored", Reason: "benchmark", Items: make([]ref, len(restoreIDs))}
		for i, id := range restoreIDs {
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

// pageSize is the page size of the iteration workloads.
const pageSize = 1000

// iterate walks all results of a list with pages of pageSize.
func iterate(total int, path string) func(c *client) error {
	return func(c *client) error {
		n, err := c.walk(path, total, nil)
		if err == nil && n != total {
			err = fmt.Errorf("saw %d results of %d", n, total)
		}
		return err
	}
}

// walk iterates over a list and returns how many results it saw; each is
// passed to visit, when set (the heap measurement).
func (c *client) walk(path string, total int, visit func(i int)) (int, error) {
	ctx := context.Background()
	n := 0
	opts := vb365.ListOptions{Limit: pageSize}
	items := total > 10000
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
