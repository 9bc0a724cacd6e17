// Package vb365test provides an in-memory, stateful fake of the Veeam Backup
// for Microsoft 365 (VB365) REST API, for use in tests and examples.
//
// It plays the role httptest plays for net/http: NewServer starts a real HTTP
// server on 127.0.0.1 that answers the v6, v7 and v8 endpoints a restore
// operator uses (token, logout, RestorePortalSettings, ServiceInstance,
// Organization/OperatorExplore, RestoreSessions and their events, Exchange
// mailboxes, folders and items, and items/operatorRestore). The server keeps
// state: it issues and checks tokens, creates and stops restore sessions and
// records every restore it executes, so tests can assert on what a client
// really did (see Server.Restores and Server.Requests).
//
// Faults can be injected per route (Server.InjectFault, Server.SetFaultHook)
// to test retries and idempotency: answer an error without acting, act and
// then answer an error, drop the connection before or after acting, or delay.
//
// The package imports neither the root vb365 package nor testing, so it can
// be used by programs as well as tests. It never prints and never panics on
// its own.
//
// # Fidelity
//
// Paths, field names and shapes follow the public OpenAPI documents of the
// three API versions. Where the real server's behaviour is undocumented the
// fake makes a documented choice; see the documentation of the individual
// routes (Route constants) and of Server.
//
// Seed data (Organization, Mailbox, Folder, Item) must not be modified after
// it has been passed to NewServer or NewTLSServer: the server indexes it once
// at start-up and reads it without locking.
package vb365test
