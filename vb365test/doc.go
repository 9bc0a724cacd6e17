// Package vb365test provides an in-memory, stateful fake of the Veeam Backup
// for Microsoft 365 (VB365) REST API, for use in tests and examples.
//
// It plays the role httptest plays for net/http: NewServer starts a real HTTP
// server on 127.0.0.1 that answers the v6, v7 and v8 endpoints a restore
// operator uses (token, logout, RestorePortalSettings, ServiceInstance,
// Organization/OperatorExplore, RestoreSessions (filtered by start and end
// time, and ordered, as each version takes) and their events, Exchange
// mailboxes, folders and items (with the links that name their parent,
// folder and mailbox), search, and items/operatorRestore) and the
// Exchange endpoints of administrators and tenants (Organization/Explore,
// Organizations/{id}/explore, and restore, restoreTo, exportToPst, Save,
// sendToDefaultAddress and sendToDifferentAddress on items, folders and
// mailboxes, and restoreDeviceCode), the OneDrive endpoints of both (the
// OneDrives, their documents, folders and versions, search,
// Documents/operatorRestore, and restore, copyTo, save and send on a
// OneDrive, its documents and folders and their versions, see
// RouteOneDriveRestore), and who the caller is and what there is
// to restore: Organizations, RestorePoints (several per organization, see
// Organization.AddRestorePoint) and Organization/LoggedInUser with its
// OperatorInfo, EffectiveScope (WithOperatorScope) and RestorePoints. The
// server keeps state: it issues and checks tokens and device codes, creates
// and stops restore sessions, keeps search result sets and records every
// restore and action it executes, so tests can assert on what a client
// really did (see Server.Restores, Server.Actions and Server.Requests).
//
// PST, MSG and OneDrive downloads are generated on the fly, of a size the test
// chooses (WithExportSize, Server.SetExportSize), and streamed without being
// held in memory; they honour Range requests so clients can resume, and
// fault FaultDropAfterBytes cuts them off.
//
// Faults can be injected per route (Server.InjectFault, Server.SetFaultHook)
// to test retries and idempotency: answer an error without acting, act and
// then answer an error, drop the connection before or after acting, cut a
// body off after some bytes, or delay.
//
// Options make it as awkward as the real server where a test asks for it
// (WithTokenQuota, WithSessionIdleTimeout, WithExportDelay,
// WithDotNetEscaping), inject random faults reproducibly from a seed
// (WithChaos), keep a journal of the requests (WithJournal), and serve a
// control API under /_fake/ (WithControlAPI, ControlPrefix) through which
// tests in other languages reset the server, inject faults and read its
// counters; cmd/vb365-fake serves it as a program. Seed data can come from
// JSON (SeedData, LoadSeedFile).
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
