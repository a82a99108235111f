package sam

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/corslint/corslint/model"
)

// restAPI is an API Gateway REST API: a SAM AWS::Serverless::Api (or
// the implicit one SAM creates for Api events), or an
// AWS::ApiGateway::RestApi with its Method resources.
type restAPI struct {
	id    string
	at    *Node // where it is declared
	props *Node
	sam   bool
	scope *model.Scope

	cors    *Node // SAM Cors
	corsKey *Node
	paths   []*restPath
	byPath  map[string]*restPath

	// authorizers that guard methods by default, and what they answer
	// when a request lacks credentials.
	defaultAuth      string
	defaultAuthAt    *Node
	authOnPreflight  bool
	apiKey           bool
	apiKeyAt         *Node
	keyOnPreflight   bool
	usagePlanAt      *Node
	iamAt            *Node
	gatewayResponses map[string][]headerSpec
}

type restPath struct {
	path    string
	at      *Node
	methods []*restMethod
}

// restMethod is one method of a path and how it is integrated.
type restMethod struct {
	method string // upper case; "ANY" for x-amazon-apigateway-any-method
	at     *Node
	integ  string // aws_proxy, aws, mock, http, http_proxy
	fn     string // the Lambda function of a Lambda integration
	// auth guarding the method: "" none, "AWS_IAM", or an authorizer.
	auth      string
	authAt    *Node
	apiKey    bool
	responses []integResp
}

// integResp is one integration response of a non-proxy integration.
type integResp struct {
	status int
	params []headerSpec
}

// headerSpec is a response header mapping as written.
type headerSpec struct {
	name string
	key  *Node
	val  *Node
}

func (a *restAPI) path(p string, at *Node) *restPath {
	if a.byPath == nil {
		a.byPath = map[string]*restPath{}
	}
	norm := p
	if norm != "/" {
		norm = strings.TrimSuffix(norm, "/")
	}
	if rp, ok := a.byPath[norm]; ok {
		return rp
	}
	rp := &restPath{path: p, at: at}
	a.byPath[norm] = rp
	a.paths = append(a.paths, rp)
	return rp
}

func (l *lowerer) restAPIs() {
	var apis []*restAPI
	byID := map[string]*restAPI{}
	global := l.globals.Get("Api")
	l.each(func(r resource) {
		a := &restAPI{id: r.id, at: r.key, props: withGlobals(global, r.props), sam: true}
		apis = append(apis, a)
		byID[r.id] = a
	}, "AWS::Serverless::Api")
	l.each(func(r resource) {
		a := &restAPI{id: r.id, at: r.key, props: r.props}
		apis = append(apis, a)
		byID[r.id] = a
	}, "AWS::ApiGateway::RestApi")

	// Api events without RestApiId go to the API SAM creates implicitly.
	for _, id := range l.fnOrder {
		for _, ev := range l.funcs[id].events {
			if ev.typ != "Api" || ev.api != "" || byID["ServerlessRestApi"] != nil {
				continue
			}
			at := ev.name
			if k := l.globals.Get("Api").Key("Cors"); k != nil {
				at = k
			}
			a := &restAPI{id: "ServerlessRestApi", at: at, props: global, sam: true}
			apis = append(apis, a)
			byID[a.id] = a
		}
	}
	for _, a := range apis {
		a.scope = l.scope(kindOf(a), a.id, nil, a.at.Span)
		if a.sam {
			l.samAPI(a)
			l.corsWithDefinitionURI(a.props, "Cors")
		}
		body := a.props.Get("DefinitionBody")
		if !a.sam {
			body = a.props.Get("Body")
		}
		if body != nil && body.Kind == Map {
			l.openAPIPaths(a, body)
		}
	}
	l.rawMethods(byID)
	for _, a := range apis {
		l.emitREST(a)
	}
}

func kindOf(a *restAPI) string {
	if a.sam {
		return "AWS::Serverless::Api"
	}
	return "AWS::ApiGateway::RestApi"
}

// samAPI reads a SAM API's Cors, Auth, GatewayResponses and the events
// of the functions attached to it.
func (l *lowerer) samAPI(a *restAPI) {
	p := a.props
	a.cors, a.corsKey = p.Get("Cors"), p.Key("Cors")
	if a.cors != nil && a.corsKey == nil {
		a.corsKey = a.at
	}
	if auth := p.Get("Auth"); auth != nil && auth.Kind == Map {
		if d := firstText(l.e, auth.Get("DefaultAuthorizer")); d != "" && d != "NONE" {
			a.defaultAuth, a.defaultAuthAt = d, auth.Key("DefaultAuthorizer")
			a.authOnPreflight = true
			if v := auth.Get("AddDefaultAuthorizerToCorsPreflight"); v != nil {
				a.authOnPreflight, _ = v.Bool()
			}
			if d == "AWS_IAM" {
				a.iamAt = a.defaultAuthAt
			}
		}
		if v, _ := auth.Get("ApiKeyRequired").Bool(); v {
			a.apiKey, a.apiKeyAt = true, auth.Key("ApiKeyRequired")
			a.keyOnPreflight = true
			if v := auth.Get("AddApiKeyRequiredToCorsPreflight"); v != nil {
				a.keyOnPreflight, _ = v.Bool()
			}
		}
		if up := auth.Get("UsagePlan"); up != nil && up.Kind == Map && up.Get("CreateUsagePlan").Text() != "NONE" && up.Has("CreateUsagePlan") {
			a.usagePlanAt = auth.Key("UsagePlan")
		}
	}
	if gr := p.Get("GatewayResponses"); gr != nil && gr.Kind == Map {
		a.gatewayResponses = map[string][]headerSpec{}
		for i, k := range gr.Keys {
			hs := gr.Vals[i].Path("ResponseParameters", "Headers")
			if hs == nil || hs.Kind != Map {
				a.gatewayResponses[k.Str] = nil
				continue
			}
			for j, hk := range hs.Keys {
				a.gatewayResponses[k.Str] = append(a.gatewayResponses[k.Str], headerSpec{name: hk.Str, key: hk, val: hs.Vals[j]})
			}
		}
	}
	for _, id := range l.fnOrder {
		fn := l.funcs[id]
		for _, ev := range fn.events {
			if ev.typ != "Api" || ev.api != a.id && !(ev.api == "" && a.id == "ServerlessRestApi") {
				continue
			}
			if ev.path == "" {
				continue
			}
			m := &restMethod{method: ev.method, at: ev.name, integ: "aws_proxy", fn: fn.id}
			if m.method == "ANY" || m.method == "" {
				m.method = "ANY"
			}
			m.auth, m.authAt = a.defaultAuth, a.defaultAuthAt
			m.apiKey = a.apiKey
			if au := ev.props.Get("Auth"); au != nil {
				if name := firstText(l.e, au.Get("Authorizer")); name != "" {
					m.auth, m.authAt = name, au.Key("Authorizer")
					if name == "NONE" {
						m.auth = ""
					}
				}
				if v := au.Get("ApiKeyRequired"); v != nil {
					m.apiKey, _ = v.Bool()
				}
			}
			rp := a.path(ev.path, ev.name)
			rp.methods = append(rp.methods, m)
		}
	}
}

// emitREST lowers one REST API into responses.
func (l *lowerer) emitREST(a *restAPI) {
	corsOps := l.samCorsOps(a)
	var types []string
	for typ := range a.gatewayResponses {
		types = append(types, typ)
	}
	sort.Strings(types)
	for _, typ := range types {
		if len(a.gatewayResponses[typ]) == 0 {
			continue
		}
		at := a.gatewayResponses[typ][0].key
		s := l.scope("gateway response", typ, a.scope, at.Span)
		var headers []*model.HeaderOp
		for _, h := range a.gatewayResponses[typ] {
			headers = append(headers, l.gatewayOp(s, h)...)
		}
		s.Effective = headers
		l.respond(&model.Response{Route: s, Scope: s, Source: model.FromServer, Status: gatewayStatus(typ), Headers: headers, Span: at.Span})
	}
	hasACAO := false
	for _, op := range corsOps {
		hasACAO = hasACAO || op.Name == model.ACAO
	}
	for _, rp := range a.paths {
		ps := l.scope("path", rp.path, a.scope, rp.at.Span)
		ps.Match = gatewayPath(rp.path)
		var options *restMethod
		hasAny := false
		for _, m := range rp.methods {
			switch m.method {
			case "OPTIONS":
				options = m
			case "ANY":
				hasAny = true
			}
		}
		answered := options != nil || a.cors != nil
		for _, m := range rp.methods {
			if m.method == "OPTIONS" {
				continue
			}
			l.emitMethod(ps, m, methodsFor(m.method, answered))
		}
		switch {
		case options != nil:
			if !l.authBlocksPreflight(a, ps, rp, options.auth, options.authAt, options.apiKey, false) {
				l.emitMethod(ps, options, []string{"OPTIONS"})
			}
		case a.cors != nil:
			if l.authBlocksPreflight(a, ps, rp, a.preflightAuth(), a.defaultAuthAt, a.apiKey && a.keyOnPreflight, true) {
				continue
			}
			headers := append([]*model.HeaderOp(nil), corsOps...)
			if !corsHas(corsOps, model.ACAM) {
				headers = append(headers, l.generatedMethods(ps, rp, a.corsKey))
			}
			ps.Effective = headers
			l.respond(&model.Response{
				Route: ps, Scope: ps, Methods: []string{"OPTIONS"}, Source: model.FromServer, Status: 200,
				Headers: headers, Span: a.corsKey.Span,
			})
		case !hasAny:
			l.respond(&model.Response{
				Route: ps, Scope: ps, Methods: []string{"OPTIONS"}, Source: model.FromServer, Status: 403,
				Headers: l.gatewayOps(a, ps, "MISSING_AUTHENTICATION_TOKEN", nil), Span: rp.at.Span,
				Why: fmt.Sprintf("path %s has no OPTIONS method, so API Gateway answers preflights with 403 Missing Authentication Token; set Cors on the API, or add an OPTIONS method with a MOCK integration that returns the CORS headers", rp.path),
			})
		}
	}
	if !hasACAO {
		return
	}
	// API Gateway's own errors carry only what GatewayResponses put there.
	errs := []struct {
		at     *Node
		status int
		typ    string
		why    string
	}{
		{a.defaultAuthAt, 401, "UNAUTHORIZED", "the authorizer rejects requests without valid credentials"},
		{a.iamAt, 403, "MISSING_AUTHENTICATION_TOKEN", "IAM authorization rejects unsigned requests"},
		{a.apiKeyAt, 403, "INVALID_API_KEY", "requests without a valid API key are refused"},
		{a.usagePlanAt, 429, "THROTTLED", "the usage plan throttles requests"},
	}
	for _, e := range errs {
		if e.at == nil || e.typ == "UNAUTHORIZED" && a.defaultAuth == "AWS_IAM" {
			continue
		}
		s := l.scope("gateway response", e.typ, a.scope, e.at.Span)
		headers := l.gatewayOps(a, s, e.typ, corsOps)
		s.Effective = headers
		l.respond(&model.Response{
			Route: s, Scope: s, Source: model.FromServer, Status: e.status, Headers: headers, Span: e.at.Span, Why: e.why,
		})
	}
}

// preflightAuth is the authorizer SAM puts on the OPTIONS methods it
// generates.
func (a *restAPI) preflightAuth() string {
	if a.authOnPreflight {
		return a.defaultAuth
	}
	return ""
}

// authBlocksPreflight adds the response a preflight gets when an
// authorizer or an API key requirement guards OPTIONS: browsers never
// send credentials with a preflight, so API Gateway refuses it.
func (l *lowerer) authBlocksPreflight(a *restAPI, ps *model.Scope, rp *restPath, auth string, authAt *Node, apiKey, generated bool) bool {
	if auth == "" && !apiKey {
		return false
	}
	status, typ := 401, "UNAUTHORIZED"
	var why string
	switch {
	case auth == "AWS_IAM":
		status, typ = 403, "MISSING_AUTHENTICATION_TOKEN"
		why = "IAM authorization guards the OPTIONS method and browsers send preflights unsigned"
	case auth != "":
		why = fmt.Sprintf("the authorizer %s guards the OPTIONS method and browsers send preflights without credentials", auth)
	default:
		status, typ = 403, "INVALID_API_KEY"
		why = "the OPTIONS method requires an API key and browsers send preflights without one"
	}
	at := authAt
	switch {
	case generated && auth != "":
		why += "; set Auth.AddDefaultAuthorizerToCorsPreflight: false"
	case generated:
		at = a.apiKeyAt
		why += "; set Auth.AddApiKeyRequiredToCorsPreflight: false"
	default:
		why += "; set AuthorizationType: NONE (and ApiKeyRequired: false) on the OPTIONS method"
	}
	if at == nil {
		at = rp.at
	}
	l.respond(&model.Response{
		Route: ps, Scope: ps, Methods: []string{"OPTIONS"}, Source: model.FromServer, Status: status,
		Headers: l.gatewayOps(a, ps, typ, nil), Span: at.Span, Why: why,
	})
	return true
}

// methodsFor lists the methods a route method serves: ANY covers every
// method but OPTIONS when OPTIONS is answered separately.
func methodsFor(m string, optionsAnswered bool) []string {
	if m != "ANY" {
		return []string{m}
	}
	if !optionsAnswered {
		return nil
	}
	return standardMethods[:len(standardMethods)-1]
}

// emitMethod lowers one method's integration.
func (l *lowerer) emitMethod(ps *model.Scope, m *restMethod, methods []string) {
	switch m.integ {
	case "aws_proxy", "http_proxy":
		l.respond(&model.Response{
			Route: ps, Scope: ps, Methods: methods, Source: model.FromUpstream,
			Upstream: l.upstream(ps, m.fn, m.at.Span, m.integ == "aws_proxy"), Span: m.at.Span,
		})
		return
	}
	from := model.FromUpstream
	if m.integ == "mock" {
		from = model.FromServer
	}
	if len(m.responses) == 0 {
		r := &model.Response{Route: ps, Scope: ps, Methods: methods, Source: from, Span: m.at.Span}
		if from == model.FromUpstream {
			r.Upstream = l.mappedUpstream(ps, m)
		}
		l.respond(r)
		return
	}
	for _, ir := range m.responses {
		var headers []*model.HeaderOp
		for _, h := range ir.params {
			headers = append(headers, l.mappingOps(ps, h.name, h.key, h.val, model.Always)...)
		}
		r := &model.Response{Route: ps, Scope: ps, Methods: methods, Source: from, Status: ir.status, Headers: headers, Span: m.at.Span}
		if from == model.FromUpstream {
			r.Upstream = l.mappedUpstream(ps, m)
		}
		l.respond(r)
	}
}

// mappedUpstream is the backend of a non-proxy integration: only the
// headers its integration responses map reach the client, so none of the
// backend's own CORS headers do.
func (l *lowerer) mappedUpstream(ps *model.Scope, m *restMethod) *model.Upstream {
	u := l.upstream(ps, m.fn, m.at.Span, false)
	for _, h := range []string{model.ACAO, model.ACAC, model.ACAM, model.ACAH, model.ACEH, model.ACMA} {
		u.Hidden[h] = m.at.Span
	}
	return u
}

// samCorsOps lowers a SAM API's Cors property. SAM copies each value into
// the OPTIONS method's mock integration response unchanged, so each is an
// API Gateway mapping expression; API Gateway's own error responses do not
// get them (hence OnSuccessStatus).
func (l *lowerer) samCorsOps(a *restAPI) []*model.HeaderOp {
	c := a.cors
	if c == nil {
		return nil
	}
	var out []*model.HeaderOp
	vals := l.e.eval(c)
	if len(vals) == 1 && vals[0] != nil && vals[0].Kind == Map {
		m := vals[0]
		for i, k := range m.Keys {
			name, ok := samCorsKeys[k.Str]
			if !ok {
				l.file.Diagnostics = append(l.file.Diagnostics, model.Diagnostic{RuleID: "CORS001", Span: k.Span,
					Message: fmt.Sprintf("SAM refuses the template: %q is no Cors key (AllowOrigin, AllowMethods, AllowHeaders, MaxAge, AllowCredentials)", k.Str)})
				continue
			}
			if k.Str == "AllowCredentials" {
				out = append(out, l.credentialsOp(a.scope, k, m.Vals[i])...)
				continue
			}
			out = append(out, l.mappingOps(a.scope, name, k, m.Vals[i], model.OnSuccessStatus)...)
		}
		if !m.Has("AllowOrigin") {
			// SAM's default AllowOrigin is "'*'".
			star := &Node{Kind: Scalar, Type: "str", Str: "'*'", Span: a.corsKey.Span}
			out = append(out, l.mappingOps(a.scope, model.ACAO, a.corsKey, star, model.OnSuccessStatus)...)
		}
		return out
	}
	if len(vals) == 1 && vals[0] != nil && vals[0].Kind == Seq {
		l.file.Diagnostics = append(l.file.Diagnostics, model.Diagnostic{RuleID: "CORS001", Span: a.corsKey.Span,
			Message: "SAM refuses the template: Cors must be a string (the allowed origin) or a map, not a list"})
		return nil
	}
	// A string (or an intrinsic) is the allowed origin.
	return l.mappingOps(a.scope, model.ACAO, a.corsKey, c, model.OnSuccessStatus)
}

var samCorsKeys = map[string]string{
	"AllowOrigin": model.ACAO, "AllowMethods": model.ACAM, "AllowHeaders": model.ACAH,
	"MaxAge": model.ACMA, "AllowCredentials": model.ACAC,
}

// credentialsOp lowers AllowCredentials: SAM adds the header only for the
// boolean true; a quoted "true" is silently dropped.
func (l *lowerer) credentialsOp(s *model.Scope, k, v *Node) []*model.HeaderOp {
	var out []*model.HeaderOp
	for _, alt := range l.e.scalars(v) {
		on, quoted := alt.Bool()
		switch {
		case on && !quoted:
			op := l.op(s, model.ACAC, model.LiteralValue("true", k.Span), k, model.OnSuccessStatus)
			op.When = condOf(alt)
			out = append(out, op)
		case on && quoted:
			op := l.op(s, model.ACAC, model.Value{Kind: model.Empty, Span: k.Span}, k, model.OnSuccessStatus)
			op.When = condOf(alt)
			op.Syntax = &model.SyntaxProblem{
				Written: alt.Str,
				Why:     "is a string, and SAM adds Access-Control-Allow-Credentials only for the boolean true, so the header is never sent and credentialed requests are blocked",
				Fix:     "write AllowCredentials: true without quotes",
			}
			out = append(out, op)
		}
	}
	return out
}

// mappingOps lowers one mapping expression into header statements: one
// per condition branch when the value depends on a condition.
func (l *lowerer) mappingOps(s *model.Scope, name string, key, val *Node, d model.Delivery) []*model.HeaderOp {
	alts := l.e.scalars(val)
	if len(alts) == 0 {
		return nil
	}
	var out []*model.HeaderOp
	if len(alts) == 1 || alts[0].Cond != "" {
		for _, alt := range alts {
			v, p := mappingValue(alt)
			op := l.op(s, name, v, key, d)
			op.Op = model.Add // a response parameter is the whole header: nothing to replace
			op.Syntax, op.When = p, condOf(alt)
			out = append(out, op)
		}
		return out
	}
	v := model.Value{Kind: model.Variable, Raw: describe(val), Span: key.Span}
	var prob *model.SyntaxProblem
	for _, alt := range alts {
		ov, p := mappingValue(alt)
		v.Options = append(v.Options, ov)
		if prob == nil && p != nil {
			prob = p
			prob.Why += " (" + alt.Via + ")"
		}
	}
	op := l.op(s, name, v, key, d)
	op.Op = model.Add
	op.Syntax = prob
	return []*model.HeaderOp{op}
}

func corsHas(ops []*model.HeaderOp, name string) bool {
	for _, op := range ops {
		if op.Name == name {
			return true
		}
	}
	return false
}

// generatedMethods is the Access-Control-Allow-Methods SAM writes when
// AllowMethods is not given: the path's methods and OPTIONS, or all of
// them for ANY.
func (l *lowerer) generatedMethods(ps *model.Scope, rp *restPath, at *Node) *model.HeaderOp {
	set := map[string]bool{"OPTIONS": true}
	for _, m := range rp.methods {
		if m.method == "ANY" {
			for _, x := range standardMethods {
				set[x] = true
			}
			continue
		}
		set[m.method] = true
	}
	var ms []string
	for m := range set {
		ms = append(ms, m)
	}
	sort.Strings(ms)
	h := &model.HeaderOp{
		Name: model.ACAM, Op: model.Set, Value: model.LiteralValue(strings.Join(ms, ","), at.Span), Delivery: model.OnSuccessStatus,
		Scope: ps, Layer: model.Gateway, Span: at.Span, Raw: l.raw(at),
	}
	ps.Own = append(ps.Own, h)
	return h
}

// gatewayOps returns the headers of a gateway response type (falling back
// to DEFAULT_4XX or DEFAULT_5XX), adding cors when they carry no
// Access-Control-Allow-Origin, so the rules see the CORS settings that do
// not reach API Gateway's own errors.
func (l *lowerer) gatewayOps(a *restAPI, s *model.Scope, typ string, cors []*model.HeaderOp) []*model.HeaderOp {
	specs, ok := a.gatewayResponses[typ]
	if !ok {
		def := "DEFAULT_4XX"
		if strings.HasPrefix(typ, "AUTHORIZER_") || strings.HasPrefix(typ, "INTEGRATION_") || typ == "API_CONFIGURATION_ERROR" {
			def = "DEFAULT_5XX"
		}
		specs = a.gatewayResponses[def]
	}
	var out []*model.HeaderOp
	for _, h := range specs {
		out = append(out, l.gatewayOp(s, h)...)
	}
	if !corsHas(out, model.ACAO) {
		out = append(out, cors...)
	}
	return out
}

// gatewayOp lowers one gateway response header, memoized so that a
// header shared by several responses is one statement.
func (l *lowerer) gatewayOp(s *model.Scope, h headerSpec) []*model.HeaderOp {
	if ops, ok := l.gwMemo[h.key]; ok {
		return ops
	}
	ops := l.mappingOps(s, h.name, h.key, h.val, model.Always)
	l.gwMemo[h.key] = ops
	return ops
}

// gatewayStatus is the status API Gateway sends for a gateway response
// type (DEFAULT_4XX stands for any 4xx).
func gatewayStatus(typ string) int {
	switch typ {
	case "UNAUTHORIZED":
		return 401
	case "THROTTLED", "QUOTA_EXCEEDED":
		return 429
	case "BAD_REQUEST_BODY", "BAD_REQUEST_PARAMETERS":
		return 400
	case "RESOURCE_NOT_FOUND":
		return 404
	case "REQUEST_TOO_LARGE":
		return 413
	case "UNSUPPORTED_MEDIA_TYPE":
		return 415
	case "INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT":
		return 504
	case "AUTHORIZER_FAILURE", "AUTHORIZER_CONFIGURATION_ERROR", "API_CONFIGURATION_ERROR", "DEFAULT_5XX":
		return 500
	}
	return 403
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}
