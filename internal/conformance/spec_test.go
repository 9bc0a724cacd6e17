package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/vb365-go/vb365"
)

// The server's OpenAPI descriptions live outside the repository, in
// ../shared/openapi beside the checkout, or in VB365_OPENAPI_DIR.
const specDirEnv = "VB365_OPENAPI_DIR"

var apiVersions = []vb365.APIVersion{vb365.V6, vb365.V7, vb365.V8}

// coveredTags are the spec tags whose operations the coverage line counts.
var coveredTags = []string{
	"Auth", "RestoreSession", "RestoreSessionEvent", "ExchangeMailbox",
	"ExchangeFolder", "ExchangeItem", "RestorePortalSettings",
	"OrganizationRbac", "RestorePoint", "Organization",
	"OneDrive", "OneDriveDocument", "OneDriveFolder",
}

// anonymousOps are operations the real server serves without a bearer
// token although the spec puts them under its global "Bearer" security
// requirement and does not override it: the login itself, the settings
// a restore operator reads before logging in, and ServiceInstance, which
// DetectAPIVersion asks without a token on purpose (a 401 says "this
// version exists").
var anonymousOps = map[string]bool{
	"token":                     true,
	"RestorePortalSettings_Get": true,
	"ServiceInstance_Get":       true,
}

// spec is one version's OpenAPI description, loaded once per test binary.
type spec struct {
	version vb365.APIVersion
	doc     *openapi3.T
	router  routers.Router
	opts    *openapi3filter.Options
	// validateErr is what doc.Validate says about the description
	// itself; it is reported, not required to be nil.
	validateErr error
}

type specResult struct {
	s   *spec
	err error
}

var specLoaders = map[vb365.APIVersion]func() specResult{}

func init() {
	for _, v := range apiVersions {
		specLoaders[v] = sync.OnceValue(func() specResult {
			s, err := loadSpec(v)
			return specResult{s, err}
		})
	}
}

// specDir finds the directory of the descriptions. ok is false when they
// are absent from the default place; a VB365_OPENAPI_DIR that does not
// hold them is an error, not a reason to skip, and so is their absence
// when CI is set.
func specDir() (dir string, ok bool, err error) {
	return findSpecs(os.Getenv, repoRoot)
}

// ciEnv is set by CI systems (GitHub Actions, GitLab, Buildkite, ...).
const ciEnv = "CI"

// findSpecs is specDir with the environment and the module root given.
// CI counts as set unless empty or a false value ("false", "0").
func findSpecs(getenv func(string) string, root func() (string, error)) (dir string, ok bool, err error) {
	if d := getenv(specDirEnv); d != "" {
		for _, v := range apiVersions {
			if _, err := os.Stat(filepath.Join(d, specFile(v))); err != nil {
				return d, false, fmt.Errorf("%s=%s: %w", specDirEnv, d, err)
			}
		}
		return d, true, nil
	}
	r, err := root()
	if err != nil {
		return "", false, err
	}
	d := filepath.Join(filepath.Dir(r), "shared", "openapi")
	for _, v := range apiVersions {
		if _, err := os.Stat(filepath.Join(d, specFile(v))); err != nil {
			if ci := getenv(ciEnv); ci != "" {
				if on, perr := strconv.ParseBool(ci); perr != nil || on {
					return d, false, fmt.Errorf("%s=%s is set and the server's OpenAPI descriptions are missing: %w; "+
						"put them in %s or set %s to their directory", ciEnv, ci, err, d, specDirEnv)
				}
			}
			return d, false, nil
		}
	}
	return d, true, nil
}

func specFile(v vb365.APIVersion) string { return "vb365_rest_" + string(v) + ".json" }

// repoRoot walks up from the working directory to the directory of go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		// This test is a module of its own inside the SDK's repository:
		// the root is the directory of the SDK's go.mod.
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && modulePath(b) == sdkModule {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod of " + sdkModule + " above the working directory")
		}
		dir = parent
	}
}

// sdkModule is the SDK's module path.
const sdkModule = "github.com/vb365-go/vb365"

// modulePath returns the module path a go.mod declares.
func modulePath(gomod []byte) string {
	for line := range strings.Lines(string(gomod)) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// specFor returns the description of v, skipping the test when the
// descriptions are not beside the checkout (and neither CI nor
// VB365_OPENAPI_DIR is set). A skip is also noted for TestMain, which
// reports it where a plain go test run shows it.
func specFor(t testing.TB, v vb365.APIVersion) *spec {
	t.Helper()
	dir, ok, err := specDir()
	if err != nil {
		t.Fatalf("conformance: %v", err)
	}
	if !ok {
		msg := skipMessage(dir)
		noteSkip(t.Name(), msg)
		t.Skip("conformance: " + msg)
	}
	r := specLoaders[v]()
	if r.err != nil {
		t.Fatalf("conformance: loading %s: %v", specFile(v), r.err)
	}
	return r.s
}

func loadSpec(v vb365.APIVersion) (*spec, error) {
	dir, _, err := specDir()
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(filepath.Join(dir, specFile(v)))
	if err != nil {
		return nil, err
	}
	s := &spec{version: v, doc: doc}
	s.validateErr = doc.Validate(context.Background())

	// The servers (https://localhost:4443/, https://127.0.0.1:4443) are
	// not the fake's address; the paths carry the version, so match by
	// path alone.
	doc.Servers = nil
	for _, pi := range doc.Paths.Map() {
		pi.Servers = nil
	}
	// The descriptions use format "uuid" everywhere; kin-openapi knows no
	// such format by default. .NET writes a Guid as 8-4-4-4-12 hex digits
	// of any version.
	doc.SetStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(
		`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`))
	s.router, err = gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("building the router: %w", err)
	}
	s.opts = &openapi3filter.Options{
		MultiError:              true,
		IncludeResponseStatus:   true,
		AuthenticationFunc:      checkBearer,
		SchemaValidationOptions: doc.GetSchemaValidationOptions(),
	}
	return s, nil
}

// checkBearer stands for the server's authentication: an operation under
// the Bearer scheme must carry "Authorization: Bearer <token>".
func checkBearer(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	route := in.RequestValidationInput.Route
	if route != nil && route.Operation != nil && anonymousOps[route.Operation.OperationID] {
		return nil
	}
	ss := in.SecurityScheme
	if ss == nil || ss.Type != "http" || !strings.EqualFold(ss.Scheme, "bearer") {
		return fmt.Errorf("unexpected security scheme %q", in.SecuritySchemeName)
	}
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return errors.New("no bearer token in the Authorization header")
	}
	return nil
}

// operation is one spec operation in a covered tag.
type operation struct {
	Tag, ID, Method, Path string
}

func (o operation) key() string { return o.Method + " " + o.Path }

// coveredOperations lists the operations of coveredTags, by tag order,
// then path.
func (s *spec) coveredOperations() []operation {
	var ops []operation
	for path, pi := range s.doc.Paths.Map() {
		for method, op := range pi.Operations() {
			for _, tag := range op.Tags {
				if slices.Contains(coveredTags, tag) {
					ops = append(ops, operation{Tag: tag, ID: op.OperationID, Method: method, Path: path})
					break
				}
			}
		}
	}
	slices.SortFunc(ops, func(a, b operation) int {
		if c := slices.Index(coveredTags, a.Tag) - slices.Index(coveredTags, b.Tag); c != 0 {
			return c
		}
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Method, b.Method)
	})
	return ops
}

// flatten turns a validation error into one line per problem, so that a
// known finding excuses exactly one problem and no other.
func flatten(err error) []string {
	var out []string
	var walk func(prefix string, err error)
	walk = func(prefix string, err error) {
		switch e := err.(type) {
		case nil:
		case openapi3.MultiError:
			for _, x := range e {
				walk(prefix, x)
			}
		case *openapi3filter.RequestError:
			p := prefix
			switch {
			case e.Parameter != nil:
				p += fmt.Sprintf("parameter %q in %s: ", e.Parameter.Name, e.Parameter.In)
			case e.RequestBody != nil:
				p += "request body: "
			}
			if e.Err == nil {
				out = append(out, p+e.Reason)
				return
			}
			if e.Reason != "" && e.Reason != e.Err.Error() {
				p += e.Reason + ": "
			}
			walk(p, e.Err)
		case *openapi3filter.ResponseError:
			p := prefix
			if e.Reason != "" {
				p += e.Reason
			}
			if e.Err == nil {
				out = append(out, p)
				return
			}
			walk(p+": ", e.Err)
		case *openapi3filter.SecurityRequirementsError:
			for _, x := range e.Errors {
				walk(prefix+"security: ", x)
			}
		case *openapi3.SchemaError:
			if me, ok := e.Origin.(openapi3.MultiError); ok {
				walk(prefix, me)
				return
			}
			ptr := "/" + strings.Join(e.JSONPointer(), "/")
			out = append(out, prefix+"at "+ptr+": "+e.Reason)
		default:
			out = append(out, prefix+oneLine(err.Error()))
		}
	}
	walk("", err)
	return dedupIndexes(out)
}

var spaces = regexp.MustCompile(`\s+`)

func oneLine(s string) string { return spaces.ReplaceAllString(strings.TrimSpace(s), " ") }

// statusText is "503", or "no answer" for a dropped connection.
func statusText(status int) string {
	if status == 0 {
		return "no answer"
	}
	return fmt.Sprint(status)
}

// The descriptions declare no additionalProperties: false and hardly any
// required fields, and kin-openapi ignores query parameters an operation
// does not declare. The real (.NET) server ignores unknown fields and
// parameters silently, so a misspelled name is a request that quietly does
// something else. The strict checks below close that gap: every query
// parameter and every body property sent must be declared, and every
// property the fake answers must be described.

// undeclaredQuery lists the query parameters of q that op does not declare.
func undeclaredQuery(pathItem *openapi3.PathItem, op *openapi3.Operation, q url.Values) []string {
	declared := map[string]bool{}
	for _, ps := range []openapi3.Parameters{pathItem.Parameters, op.Parameters} {
		for _, p := range ps {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				declared[p.Value.Name] = true
			}
		}
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(q)) {
		if !declared[name] {
			out = append(out, fmt.Sprintf("parameter %q in query: not declared by the operation (declared: %s)",
				name, strings.Join(slices.Sorted(maps.Keys(declared)), ", ")))
		}
	}
	return out
}

// undeclaredProps lists the object properties of v (decoded JSON) that its
// schema does not declare, where the schema leaves additionalProperties
// unspecified.
func undeclaredProps(ptr string, ref *openapi3.SchemaRef, v any) []string {
	if ref == nil || ref.Value == nil {
		return nil
	}
	switch v := v.(type) {
	case map[string]any:
		props, extra, open := objectShape(ref.Value)
		var out []string
		for _, k := range slices.Sorted(maps.Keys(v)) {
			p := ptr + "/" + k
			switch s := props[k]; {
			case s != nil:
				out = append(out, undeclaredProps(p, s, v[k])...)
			case extra != nil:
				out = append(out, undeclaredProps(p, extra, v[k])...)
			case !open:
				out = append(out, "at "+p+": property not declared by the schema"+schemaName(ref))
			}
		}
		return out
	case []any:
		items := itemsOf(ref.Value)
		var out []string
		for i, x := range v {
			out = append(out, undeclaredProps(fmt.Sprintf("%s/%d", ptr, i), items, x)...)
		}
		// One line per property, not per element.
		return dedupIndexes(out)
	}
	return nil
}

// objectShape merges the properties of a schema and its allOf, oneOf and
// anyOf members. extra is the schema of additional properties (a map);
// open is true when additional properties are explicitly allowed, or the
// schema says nothing about objects at all.
func objectShape(s *openapi3.Schema) (props map[string]*openapi3.SchemaRef, extra *openapi3.SchemaRef, open bool) {
	props = map[string]*openapi3.SchemaRef{}
	described := false
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		if s == nil {
			return
		}
		if len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil || s.AdditionalProperties.Has != nil {
			described = true
		}
		for k, p := range s.Properties {
			if props[k] == nil {
				props[k] = p
			}
		}
		if s.AdditionalProperties.Schema != nil {
			extra = s.AdditionalProperties.Schema
		}
		if h := s.AdditionalProperties.Has; h != nil && *h {
			open = true
		}
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
			for _, r := range group {
				walk(r.Value)
			}
		}
	}
	walk(s)
	return props, extra, open || !described
}

func itemsOf(s *openapi3.Schema) *openapi3.SchemaRef {
	if s.Items != nil {
		return s.Items
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, r := range group {
			if r.Value != nil && r.Value.Items != nil {
				return r.Value.Items
			}
		}
	}
	return nil
}

func schemaName(ref *openapi3.SchemaRef) string {
	if ref.Ref != "" {
		return " " + ref.Ref
	}
	return ""
}

var arrayIndex = regexp.MustCompile(`/[0-9]+(/|:)`)

func dedupIndexes(lines []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lines {
		l = arrayIndex.ReplaceAllString(l, "/*$1")
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// strictBody checks the properties of a JSON or form body against the
// schema of its media type in content.
func strictBody(content openapi3.Content, contentType string, body []byte) []string {
	if len(bytes.TrimSpace(body)) == 0 || content == nil {
		return nil
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	media := content.Get(contentType)
	if media == nil || media.Schema == nil {
		return nil // the validator reports a content type it does not know
	}
	var v any
	switch {
	case mt == "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil
		}
		m := map[string]any{}
		for k := range form {
			m[k] = form.Get(k)
		}
		v = m
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if dec.Decode(&v) != nil {
			return nil
		}
	default:
		return nil
	}
	return undeclaredProps("", media.Schema, v)
}
