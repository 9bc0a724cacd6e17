package vb365

import (
	"context"
	"iter"
	"time"
)

// OrganizationsService lists the Microsoft 365 organizations added to the
// server: the IDs that RestoreSessions.ExploreOrganization and
// RestorePointListOptions.OrganizationID take. It needs an administrator's
// login (WithPassword).
type OrganizationsService service

// OrganizationType is the kind of an organization.
type OrganizationType string

// Organization types.
const (
	OrganizationOffice365  OrganizationType = "Office365"
	OrganizationOnPremises OrganizationType = "OnPremises"
	OrganizationHybrid     OrganizationType = "Hybrid"
)

// Organization is a Microsoft 365 organization added to the server
// (RestOrganizationComposed). The connection settings of the organization
// are not read. Pointers are nil where the server sent nothing.
type Organization struct {
	ID string `json:"id"`
	// Name is the organization's name.
	Name string `json:"name"`
	// OfficeName is the Microsoft 365 name ("contoso.onmicrosoft.com").
	OfficeName string `json:"officeName"`
	// Description is sent by v7 and later.
	Description string           `json:"description"`
	Type        OrganizationType `json:"type"`
	// Region is the Microsoft Entra region: "Worldwide", "Germany",
	// "China", "USDefence" or "USGovernment".
	Region string `json:"region"`

	// IsBackedUp, FirstBackupTime and LastBackupTime say whether and when
	// the organization was backed up: the range a restore session's
	// point in time is chosen from (RestorePoints lists the points).
	// Servers send them when the backup proxy is online.
	IsBackedUp      *bool      `json:"isBackedup"`
	FirstBackupTime *time.Time `json:"firstBackuptime"`
	LastBackupTime  *time.Time `json:"lastBackuptime"`

	// Which services of a Microsoft 365 (or hybrid) organization are
	// added.
	IsExchangeOnline   *bool `json:"isExchangeOnline"`
	IsSharePointOnline *bool `json:"isSharePointOnline"`
	IsTeamsOnline      *bool `json:"isTeamsOnline"`
	IsTeamsChatsOnline *bool `json:"isTeamsChatsOnline"`
	// Which services of an on-premises (or hybrid) organization are added.
	IsExchange   *bool `json:"isExchange"`
	IsSharePoint *bool `json:"isSharepoint"`

	// MSID is the organization's ID at Microsoft (its tenant ID); v8 only.
	MSID string `json:"msid"`
	// BackedUpOrganizationID is the organization's ID in its backups; v8
	// only.
	BackedUpOrganizationID string `json:"backedUpOrganizationId"`
}

// All iterates over the organizations added to the server, from
// opts.Offset on (GET /vN/Organizations, with extendedView=true so that
// the backup times are sent). v8 pages the list; v6 and v7 answer it whole
// in one request, so opts.Limit changes nothing there and opts.Offset skips
// results as they arrive.
func (s *OrganizationsService) All(ctx context.Context, opts *ListOptions) iter.Seq2[Organization, error] {
	offset, _, err := opts.validate("opts")
	return listFor(ctx, s.client, err, func(v APIVersion) (iter.Seq2[Organization, error], error) {
		if v >= V8 {
			l := lister{c: s.client, op: "Organizations.All", path: "/Organizations", extra: "&extendedView=true"}
			return listAll[Organization](ctx, l, opts, nil), nil
		}
		r := &request{op: "Organizations.All", method: "GET", path: "/Organizations", query: "extendedView=true"}
		return listUnpaged[Organization](ctx, s.client, r, offset), nil
	})
}

// Get returns one organization (GET /vN/Organizations/{organizationId},
// with extendedView=true).
func (s *OrganizationsService) Get(ctx context.Context, organizationID string) (*Organization, error) {
	path, err := idPath("/Organizations/{}", "organizationID", organizationID)
	return call[Organization](ctx, s.client, &request{op: "Organizations.Get", method: "GET", path: path, query: "extendedView=true"}, err)
}
