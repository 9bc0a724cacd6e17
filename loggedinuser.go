package vb365

import "context"

// This file holds who the credentials are: the logged-in user and, for a
// restore operator, what they may restore (GET /vN/Organization/LoggedInUser
// and below; the same on v6, v7 and v8).

// LoggedInUser is the user the client is logged in as
// (RESTRbacLoggedInUser).
type LoggedInUser struct {
	// ID identifies the user; its form is the server's (a restore
	// operator's Microsoft Entra object ID, say).
	ID string `json:"id"`
	// Name is the user's name, as the server knows it.
	Name string `json:"name"`
}

// OperatorInfo says whether the logged-in user acts as a restore operator
// (RESTOperatorInfo).
type OperatorInfo struct {
	// IsOperator is true for a restore operator of Restore Portal.
	IsOperator bool `json:"isOperator"`
}

// EffectiveScope is what a restore operator may restore
// (RESTRbacEffectiveScope): the objects of their RBAC role. Each entry's
// Type and ID are set, with the object's details in the RbacItem field of
// its type (User, Site); an entry can be given as it is to
// OperatorExploreRequest.Scope, and its ID to
// RestorePointListOptions.RbacItemID.
type EffectiveScope struct {
	// Users are the users (and shared and public mailboxes) in scope.
	Users []RbacItem `json:"users"`
	// Sites are the SharePoint sites in scope.
	Sites []RbacItem `json:"sites"`
	// Teams are the teams in scope; v7 and later only.
	Teams []RbacItem `json:"teams"`
}

// LoggedInUser returns the user the client is logged in as
// (GET /vN/Organization/LoggedInUser).
func (c *Client) LoggedInUser(ctx context.Context) (*LoggedInUser, error) {
	return call[LoggedInUser](ctx, c, &request{op: "LoggedInUser", method: "GET", path: "/Organization/LoggedInUser"}, nil)
}

// OperatorInfo says whether the logged-in user is a restore operator
// (GET /vN/Organization/LoggedInUser/OperatorInfo).
func (c *Client) OperatorInfo(ctx context.Context) (*OperatorInfo, error) {
	return call[OperatorInfo](ctx, c, &request{op: "OperatorInfo", method: "GET", path: "/Organization/LoggedInUser/OperatorInfo"}, nil)
}

// EffectiveScope returns what the logged-in restore operator may restore
// (GET /vN/Organization/LoggedInUser/EffectiveScope). A server may refuse
// it to users who are not operators (OperatorInfo says which they are).
func (c *Client) EffectiveScope(ctx context.Context) (*EffectiveScope, error) {
	return call[EffectiveScope](ctx, c, &request{op: "EffectiveScope", method: "GET", path: "/Organization/LoggedInUser/EffectiveScope"}, nil)
}
