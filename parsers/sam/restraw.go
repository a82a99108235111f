package sam

import (
	"strings"
)

// rawMethods reads AWS::ApiGateway::Method, Resource, GatewayResponse and
// UsagePlan resources into the REST APIs they belong to.
func (l *lowerer) rawMethods(apis map[string]*restAPI) {
	parents := map[string][2]string{} // resource id -> parent id, path part
	l.each(func(r resource) {
		parents[r.id] = [2]string{refTarget(r.props.Get("ParentId")) + "|" + r.props.Get("ParentId").Path("Fn::GetAtt").Text(), firstText(l.e, r.props.Get("PathPart"))}
	}, "AWS::ApiGateway::Resource")
	var pathOf func(id string, depth int) string
	pathOf = func(id string, depth int) string {
		p, ok := parents[id]
		if !ok || depth > 50 {
			return "/"
		}
		parent, _, _ := strings.Cut(p[0], "|")
		if _, isAPI := apis[parent]; isAPI || parent == "" {
			return "/" + p[1]
		}
		return strings.TrimSuffix(pathOf(parent, depth+1), "/") + "/" + p[1]
	}
	l.each(func(r resource) {
		a := apis[refTarget(r.props.Get("RestApiId"))]
		if a == nil {
			return
		}
		path := "/"
		if res := refTarget(r.props.Get("ResourceId")); res != "" && parents[res] != [2]string{} {
			path = pathOf(res, 0)
		}
		m := &restMethod{method: strings.ToUpper(firstText(l.e, r.props.Get("HttpMethod"))), at: r.key}
		integ := r.props.Get("Integration")
		m.integ = strings.ToLower(firstText(l.e, integ.Get("Type")))
		m.fn = l.functionRef(integ.Get("Uri"))
		switch at := strings.ToUpper(firstText(l.e, r.props.Get("AuthorizationType"))); at {
		case "", "NONE":
		case "AWS_IAM":
			m.auth, m.authAt = "AWS_IAM", r.props.Key("AuthorizationType")
			if a.iamAt == nil {
				a.iamAt = m.authAt
			}
		default:
			m.auth, m.authAt = refTarget(r.props.Get("AuthorizerId")), r.props.Key("AuthorizationType")
			if m.auth == "" {
				m.auth = at
			}
			if a.defaultAuthAt == nil && m.method != "OPTIONS" {
				a.defaultAuth, a.defaultAuthAt = m.auth, m.authAt
			}
		}
		if v, _ := r.props.Get("ApiKeyRequired").Bool(); v {
			m.apiKey = true
			if a.apiKeyAt == nil && m.method != "OPTIONS" {
				a.apiKey, a.apiKeyAt = true, r.props.Key("ApiKeyRequired")
			}
		}
		for _, ir := range integ.Get("IntegrationResponses").List() {
			resp := integResp{status: atoi(firstText(l.e, ir.Get("StatusCode")))}
			if rp := ir.Get("ResponseParameters"); rp != nil && rp.Kind == Map {
				for i, k := range rp.Keys {
					if name, ok := strings.CutPrefix(k.Str, "method.response.header."); ok {
						resp.params = append(resp.params, headerSpec{name: name, key: k, val: rp.Vals[i]})
					}
				}
			}
			m.responses = append(m.responses, resp)
		}
		rp := a.path(path, r.key)
		rp.methods = append(rp.methods, m)
	}, "AWS::ApiGateway::Method")
	l.each(func(r resource) {
		a := apis[refTarget(r.props.Get("RestApiId"))]
		if a == nil {
			return
		}
		if a.gatewayResponses == nil {
			a.gatewayResponses = map[string][]headerSpec{}
		}
		typ := firstText(l.e, r.props.Get("ResponseType"))
		specs := a.gatewayResponses[typ]
		if rp := r.props.Get("ResponseParameters"); rp != nil && rp.Kind == Map {
			for i, k := range rp.Keys {
				if name, ok := strings.CutPrefix(k.Str, "gatewayresponse.header."); ok {
					specs = append(specs, headerSpec{name: name, key: k, val: rp.Vals[i]})
				}
			}
		}
		a.gatewayResponses[typ] = specs
	}, "AWS::ApiGateway::GatewayResponse")
	l.each(func(r resource) {
		for _, st := range r.props.Get("ApiStages").List() {
			if a := apis[refTarget(st.Get("ApiId"))]; a != nil && a.usagePlanAt == nil {
				a.usagePlanAt = r.key
			}
		}
	}, "AWS::ApiGateway::UsagePlan")
}

var openAPIMethods = map[string]string{
	"get": "GET", "put": "PUT", "post": "POST", "delete": "DELETE", "options": "OPTIONS",
	"head": "HEAD", "patch": "PATCH", "x-amazon-apigateway-any-method": "ANY",
}

// openAPIPaths reads the paths and gateway responses of an OpenAPI
// definition (SAM DefinitionBody, RestApi Body, or a stand-alone file).
func (l *lowerer) openAPIPaths(a *restAPI, body *Node) {
	paths := body.Get("paths")
	if paths == nil || paths.Kind != Map {
		return
	}
	for i, pk := range paths.Keys {
		item := firstMap(l.e, paths.Vals[i])
		if item == nil {
			continue
		}
		for j, mk := range item.Keys {
			method, ok := openAPIMethods[strings.ToLower(mk.Str)]
			if !ok {
				continue
			}
			op := firstMap(l.e, item.Vals[j])
			if op == nil {
				continue
			}
			m := &restMethod{method: method, at: mk}
			integ := op.Get("x-amazon-apigateway-integration")
			m.integ = strings.ToLower(firstText(l.e, integ.Get("type")))
			m.fn = l.functionRef(integ.Get("uri"))
			if sec := op.Get("security"); sec != nil && sec.Kind == Seq {
				for _, s := range sec.Items {
					if s.Kind != Map || len(s.Keys) == 0 {
						continue
					}
					switch name := s.Keys[0].Str; name {
					case "api_key":
						m.apiKey = true
					case "NONE":
					default:
						m.auth, m.authAt = name, s.Keys[0]
					}
				}
			}
			if rs := integ.Get("responses"); rs != nil && rs.Kind == Map {
				for _, rv := range rs.Vals {
					resp := integResp{status: atoi(firstText(l.e, rv.Get("statusCode")))}
					if rp := rv.Get("responseParameters"); rp != nil && rp.Kind == Map {
						for x, k := range rp.Keys {
							if name, ok := strings.CutPrefix(k.Str, "method.response.header."); ok {
								resp.params = append(resp.params, headerSpec{name: name, key: k, val: rp.Vals[x]})
							}
						}
					}
					m.responses = append(m.responses, resp)
				}
			}
			rp := a.path(pk.Str, pk)
			rp.methods = append(rp.methods, m)
		}
	}
	if gr := body.Get("x-amazon-apigateway-gateway-responses"); gr != nil && gr.Kind == Map {
		if a.gatewayResponses == nil {
			a.gatewayResponses = map[string][]headerSpec{}
		}
		for i, k := range gr.Keys {
			rp := gr.Vals[i].Get("responseParameters")
			specs := a.gatewayResponses[k.Str]
			if rp != nil && rp.Kind == Map {
				for j, hk := range rp.Keys {
					if name, ok := strings.CutPrefix(hk.Str, "gatewayresponse.header."); ok {
						specs = append(specs, headerSpec{name: name, key: hk, val: rp.Vals[j]})
					}
				}
			}
			a.gatewayResponses[k.Str] = specs
		}
	}
}

// firstMap resolves a path item or operation wrapped in Fn::If (as SAM
// writes conditional routes) to its first map branch.
func firstMap(e *evaluator, n *Node) *Node {
	for _, v := range e.eval(n) {
		if v != nil && v.Kind == Map {
			return v
		}
	}
	return nil
}

// openAPIFile lowers a stand-alone OpenAPI document as one REST API.
func (l *lowerer) openAPIFile() {
	root := l.t.Root
	at := root.Key("paths")
	title := root.Path("info", "title").Text()
	if title == "" {
		title = "OpenAPI"
	}
	a := &restAPI{id: title, at: at}
	a.scope = l.scope("OpenAPI", title, nil, at.Span)
	l.openAPIPaths(a, root)
	l.emitREST(a)
}
