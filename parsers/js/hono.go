package js

import (
	"strconv"

	"github.com/corslint/corslint/model"
)

// headersObject reads a headers object written in place ({ 'Name':
// value }) as the statements that set each header; false when it is
// anything else (a variable, a Headers, a spread), which is not read
// here.
func (h *handler) headersObject(n *Node) ([]*model.HeaderOp, bool) {
	l := h.l
	r := l.resolve(n)
	if r == nil || r.Type != "object" {
		return nil, false
	}
	props, ok := l.object(r)
	if !ok {
		return nil, false
	}
	var ops []*model.HeaderOp
	for _, p := range props {
		ops = append(ops, l.op(h.s, p.key, model.Set, h.value(p.value, 0), p.kn, h.when()))
	}
	return ops, true
}

// honoContextResponse reads the status and headers a Hono context
// method's arguments give (c.newResponse(body, status, headers),
// c.newResponse(body, { status, headers }), and the same after c.json,
// c.text, c.body and c.html): Hono sets them over the headers set before
// (its #newResponse). ok is false when the headers come from elsewhere.
func (h *handler) honoContextResponse(as []*Node) (status int, ops []*model.HeaderOp, ok bool) {
	l := h.l
	if len(as) < 2 {
		return 0, nil, true
	}
	if props, isObj := l.object(as[1]); isObj && l.resolve(as[1]).Type == "object" {
		if p := get(props, "status"); p != nil {
			status, _ = strconv.Atoi(l.t.Text(l.resolve(p.value)))
		}
		if p := get(props, "headers"); p != nil {
			if ops, ok = h.headersObject(p.value); !ok {
				return status, nil, false
			}
		}
	} else {
		status, _ = strconv.Atoi(l.t.Text(l.resolve(as[1])))
	}
	if len(as) > 2 {
		more, ok := h.headersObject(as[2])
		if !ok {
			return status, ops, false
		}
		ops = append(ops, more...)
	}
	return status, ops, true
}

// honoBasePath reads const api = app.basePath('/api') and const app =
// new Hono().basePath('/api'): the app it returns shares the router of
// the one it is called on, so what is registered on it answers under the
// base path, in the order registered, through the first app's fetch.
// It is read as that app mounted at the path at this point.
func (l *lowerer) honoBasePath(a *app, c *Node) {
	as := args(c)
	if len(as) != 1 {
		return
	}
	path, ok := l.str(as[0])
	name := l.boundName(c)
	if !ok || name == "" || l.byName[name] != nil {
		return
	}
	l.honoMountAt(a, l.newApp("new Hono()", name, c), path, c)
}

// honoMountAt mounts the Hono app sub on a under path at c: a, not sub,
// selects the requests, and sub's routes answer under the path.
func (l *lowerer) honoMountAt(a, sub *app, path string, c *Node) {
	sub.mounted = true
	sub.scope.Parent = a.scope
	sub.scope.Role = model.RoleOther
	ly := &layer{scope: a.scope, mount: sub, at: l.t.Span(c)}
	if path != "" && path != "/" {
		ly.match = pathMatch(path, true)
	}
	a.layers = append(a.layers, ly)
}
