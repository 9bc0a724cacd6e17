package vb365

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
)

// DetectAPIVersion asks the server at serverURL which of the API versions
// this SDK speaks it serves, newest first. It sends no credentials: it asks
// GET /vN/ServiceInstance of each version, which a server answers 401 where
// the version exists and 404 where it does not. opts are as for NewClient
// (WithRootCAs or WithHTTPClient matter here).
func DetectAPIVersion(ctx context.Context, serverURL string, opts ...Option) ([]APIVersion, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	c, err := NewClient(serverURL, slices.Concat(opts, []Option{WithAPIVersion(Auto)})...)
	if err != nil {
		return nil, err
	}
	defer c.hc.CloseIdleConnections()
	return c.detect(ctx)
}

func (c *Client) detect(ctx context.Context) ([]APIVersion, error) {
	var served []APIVersion
	for _, v := range versions {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.host+"/"+string(v)+"/ServiceInstance", nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("User-Agent", c.userAgent)
		req.Header.Set("Accept", "application/json")
		resp, err := c.hc.Do(req)
		if err != nil {
			return nil, &wrapped{msg: "vb365: asking the server which API versions it serves: " + err.Error(), err: err}
		}
		drain(resp.Body)
		switch {
		case resp.StatusCode == http.StatusNotFound:
		case resp.StatusCode == http.StatusUnauthorized, resp.StatusCode == http.StatusForbidden,
			resp.StatusCode >= 200 && resp.StatusCode <= 299:
			served = append(served, v)
		default:
			return nil, errors.New("vb365: asking the server whether it serves " + string(v) +
				": unexpected answer " + strconv.Itoa(resp.StatusCode))
		}
	}
	if c.debug {
		c.logger.DebugContext(ctx, "vb365 API versions served", "versions", served)
	}
	return served, nil
}

// apiBase returns the version the client speaks, asking the server once
// when the client was made with Auto. A failed detection is tried again at
// the next call.
func (c *Client) apiBase(ctx context.Context) (*apiBase, error) {
	if a := c.api.Load(); a != nil {
		return a, nil
	}
	select {
	case c.detectMu <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.detectMu }()
	if a := c.api.Load(); a != nil {
		return a, nil
	}
	served, err := c.detect(ctx)
	if err != nil {
		return nil, err
	}
	if len(served) == 0 {
		return nil, errors.New("vb365: the server serves none of the API versions v6, v7 and v8")
	}
	a := &apiBase{version: served[0], base: c.host + "/" + string(served[0])}
	c.api.Store(a)
	return a, nil
}

// Close ends the client's login and closes its idle connections. On v7 and
// v8 it logs the token out (POST /vN/token/logout). v6 has no logout: the
// token stays valid on the server until it expires, so on v6 Close only
// forgets it; stop the restore sessions you opened (RestoreSessions.Stop)
// to end them. With WithTokenStore, Close also forgets the kept tokens; a
// program that wants its login kept for its next run ends with
// CloseIdleConnections instead. Calls after Close return ErrClosed. Close is
// safe to call more than once.
func (c *Client) Close(ctx context.Context) error {
	if err := checkCtx(ctx); err != nil {
		return err
	}
	if !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	defer c.hc.CloseIdleConnections()
	if c.tokens == nil {
		return nil
	}
	t, err := c.tokens.close(ctx)
	if err != nil {
		return err
	}
	if t == nil && c.kept != nil {
		// A client that made no call still ends the login it was given.
		if tok := c.kept(ctx); tok != nil {
			t = &cachedToken{header: "Bearer " + tok.AccessToken}
			if _, err := c.apiBase(ctx); err != nil {
				c.forget(ctx)
				return err
			}
		}
	}
	if c.forget != nil {
		c.forget(ctx)
	}
	a := c.api.Load()
	if t == nil || a == nil || a.version == V6 {
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+"/token/logout", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", t.header)
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.hc.Do(req)
	if err != nil {
		return &wrapped{msg: "vb365: logging out: " + err.Error(), err: err}
	}
	drain(resp.Body)
	// A 401 means the token had already expired: nothing is left to end.
	if (resp.StatusCode < 200 || resp.StatusCode > 299) && resp.StatusCode != http.StatusUnauthorized {
		return newAPIError(http.MethodPost, a.base+"/token/logout", resp.StatusCode, nil)
	}
	return nil
}
