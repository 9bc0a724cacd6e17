package vb365

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// This file holds what the administrators' actions of every workload share:
// the target an action applies to, how a target becomes the action's path,
// and how a restore is sent and its answer read. What downloads (exports and
// saves) share is in download.go. Each workload wraps a target in a type of its own (Scope for
// mailboxes, OneDriveScope for OneDrives), so that a mailbox's scope cannot
// be given to a OneDrive's action.

// targetKind is what an action applies to.
type targetKind uint8

const (
	targetNone          targetKind = iota
	targetMany                     // objects named in the body (items, documents)
	targetOne                      // one object, in the path
	targetOneVersion               // one version of an object
	targetFolders                  // folders named in the body
	targetFolder                   // one folder, in the path
	targetFolderVersion            // one version of a folder
	targetWhole                    // the whole mailbox or OneDrive
)

// target is a workload's scope: its kind and the IDs or objects it names.
type target struct {
	kind targetKind
	// ids are the objects of targetMany named by ID (mailbox items).
	ids []string
	// docs are the objects of targetMany and targetFolders sent whole
	// (OneDrive documents and folders).
	docs []Document
	// id is the object of targetOne to targetFolderVersion.
	id string
	// version is the version of targetOneVersion and targetFolderVersion.
	version int64
}

// kindSet is a set of target kinds: the ones an action takes.
type kindSet uint16

func kinds(ks ...targetKind) kindSet {
	var s kindSet
	for _, k := range ks {
		s |= 1 << k
	}
	return s
}

func (s kindSet) has(k targetKind) bool { return s&(1<<k) != 0 }

// layout is how a workload names its targets: in paths (base, and the
// segments of its objects and folders) and in errors (the argument names and
// the constructors, by kind).
type layout struct {
	// base is the path of the mailbox or OneDrive, with {} for the session
	// and its own ID.
	base string
	// baseArgs name the two IDs of base in errors.
	baseArgs [2]string
	// objects and folders are the path segments of the objects and the
	// folders: "items" and "folders" in a mailbox, "Documents" and
	// "Folders" in a OneDrive.
	objects, folders string
	// args name the scope's ID in errors, by kind; many names the
	// targetMany and targetFolders lists.
	args map[targetKind]string
	// constructors name the functions that make each kind, for errors.
	constructors map[targetKind]string
}

// route checks the target's IDs and returns the path of action on it,
// under the session and the mailbox or OneDrive; op names the call, allowed
// the kinds it takes. The objects sent in the body are checked by the caller.
func (t *target) route(l *layout, op string, allowed kindSet, sessionID, ownerID, action string) (string, error) {
	if !allowed.has(t.kind) {
		names := make([]string, 0, len(l.constructors))
		for k := targetMany; k <= targetWhole; k++ {
			if allowed.has(k) && l.constructors[k] != "" {
				names = append(names, l.constructors[k])
			}
		}
		if t.kind == targetNone {
			return "", invalidArg("scope", "must be set ("+orList(names)+")")
		}
		return "", invalidArg("scope", op+" takes "+orList(names)+" only")
	}
	ids := []string{l.baseArgs[0], sessionID, l.baseArgs[1], ownerID}
	format := l.base
	switch t.kind {
	case targetMany:
		format += "/" + l.objects
	case targetFolders:
		format += "/" + l.folders
	case targetOne, targetOneVersion:
		format += "/" + l.objects + "/{}"
		ids = append(ids, l.args[t.kind], t.id)
	case targetFolder, targetFolderVersion:
		format += "/" + l.folders + "/{}"
		ids = append(ids, l.args[t.kind], t.id)
	}
	if t.kind == targetOneVersion || t.kind == targetFolderVersion {
		if p := versionProblem(t.version); p != "" {
			return "", invalidArg("scope.VersionID", p)
		}
		format += "/Versions/" + strconv.FormatInt(t.version, 10)
	}
	return idPath(format+"/"+action, ids...)
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Outcome is the server's answer to an administrator's restore or copy:
// servers up to v7 act before they answer and send statistics S; v8
// servers answer at once with a session that follows the restore (see
// RestoreSessions.Wait, with WaitOptions.Since set to when the restore was
// sent). Each workload names its own: RestoreOutcome, BulkRestoreOutcome,
// DocumentRestoreOutcome, OneDrivesRestoreOutcome.
type Outcome[S any] struct {
	// SessionID is set when the restore runs on after the answer (v8).
	SessionID string
	// Statistics is set when the restore ran before the answer (v6, v7).
	Statistics *S
}

// Async reports whether the restore runs on after the answer.
func (o *Outcome[S]) Async() bool { return o.SessionID != "" }

// UnmarshalJSON reads either answer: {"sessionId"} or the statistics.
func (o *Outcome[S]) UnmarshalJSON(b []byte) error {
	var id struct {
		SessionID string `json:"sessionId"`
	}
	if err := json.Unmarshal(b, &id); err != nil {
		return err
	}
	if strings.TrimSpace(id.SessionID) != "" {
		*o = Outcome[S]{SessionID: id.SessionID}
		return nil
	}
	*o = Outcome[S]{Statistics: new(S)}
	return json.Unmarshal(b, o.Statistics)
}

// restoreCheck is how to find out whether a restore whose outcome is
// unknown ran.
const restoreCheck = "read the restore session's events (RestoreSessions.Events) to see whether the restore ran before sending it again"

// errNoSession is what an answer lacks that names no session to follow
// the restore by.
var errNoSession = errors.New("the answer names no sessionId to follow the restore by")

// sendOperatorRestore sends a restore operator's restore (unsafe), whose
// answer on every version is the session that follows it. An answer
// without one is a restore that may have run: its outcome is unknown.
func sendOperatorRestore(ctx context.Context, c *Client, op, path string, body []byte) (*RestoreResult, error) {
	r := &request{op: op, method: "POST", path: path, body: body, unsafe: true, check: restoreCheck}
	res, err := call[RestoreResult](ctx, c, r, nil)
	if err == nil && strings.TrimSpace(res.SessionID) == "" {
		return nil, c.decodeError(ctx, r, errNoSession)
	}
	return res, err
}

// sendRestore sends an administrator's restore or copy (unsafe) and reads
// its answer; secrets are the credentials' values the body carries, kept
// out of errors; newer are the arguments set that not every version takes.
func sendRestore[S any](ctx context.Context, c *Client, op, path string, body any, secrets []string, newer ...versionArg) (*Outcome[S], error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	// Servers up to v7 restore before they answer: a long restore is
	// waited for, not reported unknown while it runs on.
	r := &request{op: op, method: "POST", path: path, body: b, unsafe: true, check: restoreCheck, secrets: secrets,
		vcheck: needVersions(newer...), actsBefore: V8}
	ans, err := call[Outcome[S]](ctx, c, r, nil)
	if err == nil && ans.SessionID == "" && c.APIVersion() >= V8 {
		// v8 servers answer every restore with the session that follows
		// it (RESTAsyncRestoreResponse); statistics are not v8's answer.
		return nil, c.decodeError(ctx, r, errNoSession)
	}
	return ans, err
}

// sendMessage sends an administrator's send action (unsafe: a message sent
// twice arrives twice).
func sendMessage(ctx context.Context, c *Client, op, path string, body []byte) error {
	return c.do(ctx, &request{
		op: op, method: "POST", path: path, body: body, unsafe: true,
		check: "read the restore session's events (RestoreSessions.Events) for a Send event before sending again",
	}, nil)
}

// oneOf checks v, a value of an enum, and returns what it sends: def for
// "", v when it is one of values; want names the values in errors.
func oneOf[T ~string](arg string, v, def T, want string, values ...T) (T, error) {
	switch {
	case v == "":
		return def, nil
	case slices.Contains(values, v):
		return v, nil
	}
	return "", invalidArg(arg, "is "+strconv.Quote(string(v))+"; want "+want)
}

// officeRegions are the regions a restore's officeRegion takes.
var officeRegions = []string{"Worldwide", "Germany", "China", "USDefence", "USGovernment"}

// checkRegion refuses an officeRegion the server does not know; empty
// leaves it to the server.
func checkRegion(arg, region string) error {
	if region == "" || slices.Contains(officeRegions, region) {
		return nil
	}
	return invalidArg(arg, "is "+strconv.Quote(region)+"; want "+orList(officeRegions))
}

// check refuses credentials the server cannot take: an application ID
// that is not a UUID. arg names rc in errors.
func (rc *RestoreCredentials) check(arg string) error {
	if rc != nil && rc.ApplicationID != "" && !isUUID(rc.ApplicationID) {
		return invalidArg(arg+".ApplicationID", "is "+strconv.Quote(rc.ApplicationID)+"; want the application's ID, a UUID")
	}
	return nil
}

// isUUID reports whether s is a UUID in its text form
// (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hexadecimal digits).
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		default:
			return false
		}
	}
	return true
}
