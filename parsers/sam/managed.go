package sam

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/corslint/corslint/model"
)

// managed is a CORS configuration that a service applies itself: HTTP
// APIs, Lambda function URLs, S3 buckets and CloudFront response headers
// policies answer preflights (or add the headers) from lists of allowed
// origins, methods and headers, and send back the entry that matches the
// request.
type managed struct {
	scope *model.Scope
	at    *Node // the configuration's key
	// ops by header; ACAO has one statement per allowed origin, each
	// conditional on the request's Origin.
	origin  []*model.HeaderOp
	creds   *model.HeaderOp
	methods *model.HeaderOp
	headers *model.HeaderOp
	expose  *model.HeaderOp
	maxAge  *model.HeaderOp
	vary    *model.HeaderOp
}

func (m *managed) preflight() []*model.HeaderOp {
	return nonNil(append(append([]*model.HeaderOp(nil), m.origin...), m.creds, m.methods, m.headers, m.maxAge, m.vary))
}

func (m *managed) actual() []*model.HeaderOp {
	return nonNil(append(append([]*model.HeaderOp(nil), m.origin...), m.creds, m.expose, m.vary))
}

func nonNil(ops []*model.HeaderOp) []*model.HeaderOp {
	out := ops[:0]
	for _, op := range ops {
		if op != nil {
			out = append(out, op)
		}
	}
	return out
}

// origins lowers a list of allowed origins: "*" is sent as is, an entry
// with * elsewhere is a pattern whose match is echoed, any other entry is
// sent when the request's Origin equals it.
func (l *lowerer) origins(m *managed, key, list *Node) {
	if key == nil {
		return
	}
	var patterns []*model.Matcher
	for _, it := range l.e.items(list) {
		text := strings.TrimSpace(it.Str)
		switch {
		case it.Unknown:
			op := l.op(m.scope, model.ACAO, plainValue(it), it, model.Always)
			op.When = condOf(it)
			m.origin = append(m.origin, op)
		case text == "*":
			op := l.op(m.scope, model.ACAO, model.LiteralValue("*", it.Span), it, model.Always)
			op.When = condOf(it)
			m.origin = append(m.origin, op)
		case strings.Contains(text, "*"):
			mt := &model.Matcher{Kind: model.MatchWildcard, Pattern: text, Exact: []string{text}, CaseInsensitive: true, Span: it.Span, Raw: l.raw(it)}
			l.file.Matchers = append(l.file.Matchers, mt)
			patterns = append(patterns, mt)
		default:
			// The statement itself carries the origin for the rules; the
			// matcher only records what selects it.
			mt := &model.Matcher{Kind: model.MatchExact, Pattern: text, Exact: []string{text}, Span: it.Span, Raw: l.raw(it)}
			op := l.op(m.scope, model.ACAO, model.LiteralValue(text, it.Span), it, model.Always)
			op.When = &model.Condition{Text: "Origin is " + text, Origin: mt, Span: it.Span}
			m.origin = append(m.origin, op)
		}
	}
	if len(patterns) > 0 {
		v := model.Value{Kind: model.Reflected, Raw: "Origin", Var: "the request's Origin", Guards: patterns, Span: key.Span}
		m.origin = append(m.origin, l.op(m.scope, model.ACAO, v, key, model.Always))
		m.vary = l.varyOrigin(m.scope, key)
	}
}

// listOp lowers a list of names into one header statement.
func (l *lowerer) listOp(s *model.Scope, name string, key, list *Node) *model.HeaderOp {
	if key == nil {
		return nil
	}
	var parts []string
	unknown := false
	for _, it := range l.e.items(list) {
		if it.Unknown {
			unknown = true
			continue
		}
		parts = append(parts, strings.TrimSpace(it.Str))
	}
	v := model.LiteralValue(strings.Join(parts, ", "), key.Span)
	if unknown {
		v = model.Value{Kind: model.Unknown, Raw: strings.Join(parts, ", "), Span: key.Span}
	}
	if len(parts) == 0 && !unknown {
		return nil
	}
	return l.op(s, name, v, key, model.Always)
}

func (l *lowerer) numberOp(s *model.Scope, name string, key, val *Node) *model.HeaderOp {
	if key == nil {
		return nil
	}
	// The first value decides: Max-Age has one value, whatever the branch.
	vs := l.e.scalars(val)
	if len(vs) == 0 || vs[0].Unknown {
		return nil
	}
	return l.op(s, name, model.LiteralValue(strings.TrimSpace(vs[0].Str), key.Span), key, model.Always)
}

func (l *lowerer) credsOp(s *model.Scope, key, val *Node) *model.HeaderOp {
	if key == nil {
		return nil
	}
	for _, v := range l.e.scalars(val) {
		if on, _ := v.Bool(); on {
			op := l.op(s, model.ACAC, model.LiteralValue("true", key.Span), key, model.Always)
			op.When = condOf(v)
			return op
		}
	}
	return nil
}

var corsConfigKeys = map[string]bool{
	"AllowOrigins": true, "AllowCredentials": true, "AllowHeaders": true, "AllowMethods": true, "ExposeHeaders": true, "MaxAge": true,
}

// corsConfig lowers the CorsConfiguration of an HTTP API or the Cors of a
// function URL: the service answers preflights itself and puts the
// headers on every response, replacing the ones the integration returns.
func (l *lowerer) corsConfig(s *model.Scope, key, cfg *Node, what, target string, fn *function) {
	for _, c := range l.e.eval(cfg) {
		if c == nil {
			continue
		}
		m := &managed{scope: s, at: key}
		switch c.Kind {
		case Scalar:
			if on, _ := c.Bool(); !on {
				continue
			}
			// CorsConfiguration: true allows every origin.
			star := &Node{Kind: Scalar, Type: "str", Str: "*", Span: key.Span, Cond: c.Cond}
			l.origins(m, key, &Node{Kind: Seq, Items: []*Node{star}, Span: key.Span})
		case Map:
			for _, k := range c.Keys {
				if !corsConfigKeys[k.Str] {
					l.file.Diagnostics = append(l.file.Diagnostics, model.Diagnostic{RuleID: "CORS001", Span: k.Span,
						Message: fmt.Sprintf("%s refuses the template: %q is no CORS key (AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders, MaxAge, AllowCredentials)", what, k.Str)})
				}
			}
			l.origins(m, c.Key("AllowOrigins"), c.Get("AllowOrigins"))
			m.creds = l.credsOp(s, c.Key("AllowCredentials"), c.Get("AllowCredentials"))
			m.methods = l.listOp(s, model.ACAM, c.Key("AllowMethods"), c.Get("AllowMethods"))
			m.headers = l.listOp(s, model.ACAH, c.Key("AllowHeaders"), c.Get("AllowHeaders"))
			m.expose = l.listOp(s, model.ACEH, c.Key("ExposeHeaders"), c.Get("ExposeHeaders"))
			m.maxAge = l.numberOp(s, model.ACMA, c.Key("MaxAge"), c.Get("MaxAge"))
		default:
			l.file.Diagnostics = append(l.file.Diagnostics, model.Diagnostic{RuleID: "CORS001", Span: key.Span,
				Message: fmt.Sprintf("%s refuses the template: its CORS configuration must be a map (or true), not a list", what)})
			continue
		}
		pre := m.preflight()
		l.respond(&model.Response{Route: s, Scope: s, Methods: []string{"OPTIONS"}, Source: model.FromServer, Status: 204, Headers: pre, Span: key.Span})
		u := l.upstream(s, target, key.Span, false)
		if fn != nil {
			u.Target, u.Adds = fn.id, fn.adds
		}
		for _, h := range []string{model.ACAO, model.ACAC, model.ACAM, model.ACAH, model.ACEH, model.ACMA} {
			u.Hidden[h] = key.Span
		}
		act := m.actual()
		s.Effective = act
		l.respond(&model.Response{Route: s, Scope: s, Source: model.FromUpstream, Upstream: u, Headers: act, Span: key.Span})
	}
}

// httpAPIs lowers AWS::Serverless::HttpApi (with Globals) and
// AWS::ApiGatewayV2::Api.
func (l *lowerer) httpAPIs() {
	global := l.globals.Get("HttpApi")
	seen := false
	l.each(func(r resource) {
		props := r.props
		if r.typ == "AWS::Serverless::HttpApi" {
			props = withGlobals(global, props)
			l.corsWithDefinitionURI(props, "CorsConfiguration")
		} else if firstText(l.e, props.Get("ProtocolType")) == "WEBSOCKET" {
			return
		}
		cfg := props.Get("CorsConfiguration")
		if cfg == nil {
			if body := props.Get("DefinitionBody"); body != nil {
				cfg = body.Get("x-amazon-apigateway-cors")
			}
		}
		if cfg == nil {
			return
		}
		key := props.Key("CorsConfiguration")
		if key == nil {
			key = r.key
		}
		s := l.scope(r.typ, r.id, nil, r.key.Span)
		l.corsConfig(s, key, cfg, "API Gateway", "the HTTP API's integration", nil)
		seen = true
	}, "AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api")
	// HttpApi events without ApiId go to the API SAM creates implicitly.
	if cfg := global.Get("CorsConfiguration"); cfg != nil && !seen {
		for _, id := range l.fnOrder {
			for _, ev := range l.funcs[id].events {
				if ev.typ == "HttpApi" && ev.api == "" {
					key := global.Key("CorsConfiguration")
					s := l.scope("AWS::Serverless::HttpApi", "ServerlessHttpApi", nil, key.Span)
					l.corsConfig(s, key, cfg, "API Gateway", "the HTTP API's integration", nil)
					return
				}
			}
		}
	}
}

// lambdaURLs lowers AWS::Lambda::Url and SAM's FunctionUrlConfig.
func (l *lowerer) lambdaURLs() {
	for _, id := range l.fnOrder {
		fn := l.funcs[id]
		fuc := fn.props.Get("FunctionUrlConfig")
		if fuc == nil || fuc.Get("Cors") == nil {
			continue
		}
		s := l.scope("AWS::Lambda::Url", id, nil, fn.key.Span)
		l.corsConfig(s, fuc.Key("Cors"), fuc.Get("Cors"), "Lambda", id, fn)
	}
	l.each(func(r resource) {
		if r.props.Get("Cors") == nil {
			return
		}
		s := l.scope(r.typ, r.id, nil, r.key.Span)
		target := refTarget(r.props.Get("TargetFunctionArn"))
		l.corsConfig(s, r.props.Key("Cors"), r.props.Get("Cors"), "Lambda", target, l.funcs[target])
	}, "AWS::Lambda::Url")
}

// buckets lowers S3 CORS rules. S3 answers preflights itself; for an
// origin other than * it echoes the origin and allows credentials.
func (l *lowerer) buckets() {
	l.each(func(r resource) {
		rules := r.props.Path("CorsConfiguration", "CorsRules")
		if rules == nil {
			return
		}
		bucket := l.scope(r.typ, r.id, nil, r.key.Span)
		for i, rule := range rules.List() {
			rule = firstMap(l.e, rule)
			if rule == nil {
				continue
			}
			label := firstText(l.e, rule.Get("Id"))
			if label == "" {
				label = "rule " + strconv.Itoa(i+1)
			}
			s := l.scope("CorsRule", label, bucket, rule.Span)
			m := &managed{scope: s, at: rule.Key("AllowedOrigins")}
			l.origins(m, rule.Key("AllowedOrigins"), rule.Get("AllowedOrigins"))
			star := false
			for _, op := range m.origin {
				star = star || op.Value.Kind == model.Wildcard
			}
			if !star && m.at != nil && len(m.origin) > 0 {
				m.creds = l.op(s, model.ACAC, model.LiteralValue("true", m.at.Span), m.at, model.Always)
			}
			m.methods = l.listOp(s, model.ACAM, rule.Key("AllowedMethods"), rule.Get("AllowedMethods"))
			if k := rule.Key("AllowedHeaders"); k != nil {
				m.headers = l.bucketHeaders(s, k, rule.Get("AllowedHeaders"))
			}
			m.expose = l.listOp(s, model.ACEH, rule.Key("ExposedHeaders"), rule.Get("ExposedHeaders"))
			m.maxAge = l.numberOp(s, model.ACMA, rule.Key("MaxAge"), rule.Get("MaxAge"))
			var methods []string
			preflights := m.headers != nil
			for _, it := range l.e.items(rule.Get("AllowedMethods")) {
				mm := strings.ToUpper(strings.TrimSpace(it.Str))
				methods = append(methods, mm)
				preflights = preflights || mm != "GET" && mm != "HEAD" && mm != "POST"
			}
			at := rule.Span
			if m.at != nil {
				at = m.at.Span
			}
			if preflights {
				l.respond(&model.Response{Route: s, Scope: s, Methods: []string{"OPTIONS"}, Source: model.FromServer, Status: 200, Headers: m.preflight(), Span: at})
			}
			act := m.actual()
			s.Effective = act
			l.respond(&model.Response{Route: s, Scope: s, Methods: methods, Source: model.FromHandler, Headers: act, Span: at})
		}
	}, "AWS::S3::Bucket")
}

// bucketHeaders: S3 answers a preflight with the request headers a rule
// allows, so "*" echoes whatever was asked rather than sending "*".
func (l *lowerer) bucketHeaders(s *model.Scope, key, list *Node) *model.HeaderOp {
	for _, it := range l.e.items(list) {
		if strings.TrimSpace(it.Str) == "*" {
			return l.op(s, model.ACAH, model.Value{Kind: model.Unknown, Raw: "the requested headers", Span: key.Span}, key, model.Always)
		}
	}
	return l.listOp(s, model.ACAH, key, list)
}

// cloudFront lowers a response headers policy's CorsConfig: CloudFront
// adds the headers to responses from the origin, replacing the origin's
// own when OriginOverride is true and leaving them alone when false.
func (l *lowerer) cloudFront() {
	l.each(func(r resource) {
		cfgKey := r.props.Path("ResponseHeadersPolicyConfig").Key("CorsConfig")
		c := firstMap(l.e, r.props.Path("ResponseHeadersPolicyConfig", "CorsConfig"))
		if c == nil {
			return
		}
		s := l.scope(r.typ, r.id, nil, r.key.Span)
		m := &managed{scope: s, at: cfgKey}
		l.origins(m, c.Key("AccessControlAllowOrigins"), c.Path("AccessControlAllowOrigins", "Items"))
		m.creds = l.credsOp(s, c.Key("AccessControlAllowCredentials"), c.Get("AccessControlAllowCredentials"))
		m.methods = l.listOp(s, model.ACAM, c.Key("AccessControlAllowMethods"), c.Path("AccessControlAllowMethods", "Items"))
		m.headers = l.listOp(s, model.ACAH, c.Key("AccessControlAllowHeaders"), c.Path("AccessControlAllowHeaders", "Items"))
		m.expose = l.listOp(s, model.ACEH, c.Key("AccessControlExposeHeaders"), c.Path("AccessControlExposeHeaders", "Items"))
		m.maxAge = l.numberOp(s, model.ACMA, c.Key("AccessControlMaxAgeSec"), c.Get("AccessControlMaxAgeSec"))
		u := l.upstream(s, "the distribution's origin", cfgKey.Span, false)
		// With OriginOverride CloudFront replaces the origin's headers;
		// without it the origin's header wins where it sends one. Either
		// way the browser never gets two values.
		for _, h := range []string{model.ACAO, model.ACAC, model.ACAM, model.ACAH, model.ACEH, model.ACMA} {
			u.Hidden[h] = cfgKey.Span
		}
		headers := nonNil(append(append([]*model.HeaderOp(nil), m.origin...), m.creds, m.methods, m.headers, m.expose, m.maxAge, m.vary))
		s.Effective = headers
		// How CloudFront treats OPTIONS depends on the cache behavior;
		// only the actual responses are modelled.
		l.respond(&model.Response{Route: s, Scope: s, Methods: standardMethods[:len(standardMethods)-1], Source: model.FromUpstream, Upstream: u, Headers: headers, Span: cfgKey.Span})
	}, "AWS::CloudFront::ResponseHeadersPolicy")
}
