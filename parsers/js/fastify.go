package js

import "github.com/corslint/corslint/model"

// fastifyPlugin is a plugin written in place and registered on a
// Fastify instance: fastify.register(async (api, opts) => { ... }, {
// prefix: '/api' }). Inside fn, name is the plugin's own instance.
type fastifyPlugin struct {
	fn   *Node
	name string
	app  *app
}

// fastifyPlugin reads register(fn, opts) with fn a function: a child
// context of a mounted at opts.prefix, where the routes and plugins
// (@fastify/cors included) registered on fn's instance parameter live.
// Fastify encapsulates them: what the plugin registers does not reach
// the routes outside it, and a 404 under the prefix is the root's, run
// without the plugin's hooks (measured with Fastify 5.12.8).
func (l *lowerer) fastifyPlugin(a *app, c, fn, opts *Node) (fastifyPlugin, bool) {
	if fn == nil || !fn.Is("arrow_function", "function_expression", "function", "function_declaration") {
		return fastifyPlugin{}, false
	}
	name := ""
	if p := fn.Child("parameter"); p != nil {
		name = l.t.Text(p)
	} else if ps := fn.Child("parameters").Named(); len(ps) > 0 {
		p := ps[0]
		if pat := p.Child("pattern"); pat != nil {
			p = pat
		}
		name = l.t.Text(p)
	}
	if name == "" {
		return fastifyPlugin{}, false
	}
	prefix := ""
	if opts != nil {
		if props, ok := l.object(opts); ok {
			if p := get(props, "prefix"); p != nil {
				if prefix, ok = l.str(p.value); !ok {
					return fastifyPlugin{}, false // a prefix known at run time
				}
			}
		}
	}
	sub := &app{scope: l.scope("fastify.register", prefix, model.RoleOther, a.scope, c), mounted: true}
	l.apps = append(l.apps, sub)
	ly := &layer{scope: a.scope, mount: sub, at: l.t.Span(c)}
	if prefix != "" && prefix != "/" {
		ly.match = pathMatch(prefix, true)
	}
	a.layers = append(a.layers, ly)
	return fastifyPlugin{fn: fn, name: name, app: sub}, true
}

// fastifyReceiver is the Fastify instance a method call is made on: the
// innermost plugin around the call whose instance parameter it names, or
// the app of that name.
func (l *lowerer) fastifyReceiver(c *Node, plugins []fastifyPlugin) *app {
	obj, _ := l.method(c)
	if obj == nil {
		return nil
	}
	name := l.t.Text(l.unparen(obj))
	var best *fastifyPlugin
	for i := range plugins {
		p := &plugins[i]
		if p.name == name && c.Start >= p.fn.Start && c.End <= p.fn.End && (best == nil || p.fn.Start >= best.fn.Start) {
			best = p
		}
	}
	if best != nil {
		return best.app
	}
	return l.receiver(c, "fastify()")
}
