package vcl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/corslint/corslint/model"
)

// path is one way a request can go through the VCL: what is known about
// it, the conditions taken, and the header statements applied so far.
// Paths are copied on write, so forks never share a tail.
type path struct {
	method string
	phase  string // the vcl_* method being run
	status int    // resp.status where the VCL fixes it (synth)
	pass   bool   // the backend request is uncacheable (return (pass))
	origin tri    // whether the request carries Origin

	conds  []*model.Condition
	guards []*model.Matcher // allowlists the origin passed on this path
	// phaseOrigin: a condition that matches the origin was taken in the
	// current method, so what follows depends on the origin.
	phaseOrigin bool

	ops         []*model.HeaderOp
	key         []string // hash_data arguments
	hashOrigin  bool
	uncacheable bool
	// ttlSet: beresp.ttl was set to a positive duration, so the object is
	// stored whatever the backend's status.
	ttlSet bool
	// bypass: the configuration's own return (pass) keeps the response
	// out of the cache (the built-in VCL's passes hang on Cookie and
	// Authorization, which the model takes as absent).
	bypass bool
	// restarts is req.restarts: how many times return (restart) sent the
	// request back to vcl_recv.
	restarts int
	// fetched: this round fetched an object the cache may keep; stored:
	// an earlier round did, so this one may hit it.
	fetched, stored bool
	// hashed: the configuration's own vcl_recv returned hash, before the
	// built-in one's passes (Authorization, Cookie, methods but GET and
	// HEAD) could run.
	hashed bool
}

func (p *path) clone() *path {
	c := *p
	c.conds = c.conds[:len(c.conds):len(c.conds)]
	c.guards = c.guards[:len(c.guards):len(c.guards)]
	c.ops = c.ops[:len(c.ops):len(c.ops)]
	c.key = c.key[:len(c.key):len(c.key)]
	return &c
}

// end is where a path stopped: falling off the end (action ""), a bare
// `return;` from a custom subroutine ("return"), or a return action.
type end struct {
	p      *path
	action string
	ret    *Return
}

const (
	maxLive  = 16      // paths kept apart in one block before merging
	maxSteps = 1 << 16 // statements executed in all, to bound hostile input
	maxCalls = 64      // call depth (Varnish forbids recursion)
	maxOps   = 256     // header statements recorded on one path
)

type outcomeKind uint8

const (
	fromBackend outcomeKind = iota
	fromPipe
	fromSynth
	// fromFetchError: vcl_backend_error's object after a fetch that
	// failed (retries exhausted), delivered through vcl_deliver.
	fromFetchError
)

type outcome struct {
	kind   outcomeKind
	status int
	ret    *Return
	p      *path
}

type variantKey struct {
	base     *model.HeaderOp
	delivery model.Delivery
	wrap     bool
	guards   string
	when     *model.Condition
}

type flow struct {
	l        *lowerer
	fastly   bool // Fastly's flow: vcl_miss/vcl_pass, error to vcl_error, then vcl_deliver
	memo     map[memoKey][]end
	numbers  map[any]int
	steps    int
	calls    int
	outcomes []outcome
	restarts []*path // requests a return (restart) sends back to vcl_recv

	variants map[variantKey]*model.HeaderOp
	baseOf   map[*model.HeaderOp]*model.HeaderOp
	reached  map[*model.HeaderOp]bool // stored ops met on any path
	storing  map[*model.HeaderOp]bool // stored ops met on a path that caches

	stores       bool
	untimed      bool // some stored object keeps the TTL Varnish derives from the status
	key          []string
	keyOrigin    bool
	storedVary   bool
	deliveryVary []model.Span
	hitTests     []model.Span // obj.hits tests around CORS statements
}

func (l *lowerer) flow() {
	f := &flow{
		l: l, memo: map[memoKey][]end{}, numbers: map[any]int{}, variants: map[variantKey]*model.HeaderOp{}, baseOf: map[*model.HeaderOp]*model.HeaderOp{},
		reached: map[*model.HeaderOp]bool{}, storing: map[*model.HeaderOp]bool{}, fastly: l.cfg.Fastly,
	}
	for _, m := range standardMethods {
		if f.fastly {
			f.fastlyRecv(m)
			continue
		}
		f.recv(&path{method: m})
	}
	f.restarted()
	f.responses()
	if f.hitDelivers() {
		f.cache()
	}
	f.refineStored()
}

// recv follows a request from vcl_recv, the first time or after a
// restart.
func (f *flow) recv(p *path) {
	for _, e := range f.method("vcl_recv", p) {
		switch e.action {
		case "synth", "error":
			f.synth(e.p, e.ret)
		case "hash", "lookup":
			if e.ret != nil && e.ret.Span.File != builtinPath {
				e.p = e.p.clone()
				e.p.hashed = true
			}
			for _, h := range f.method("vcl_hash", e.p) {
				f.miss(h.p)
			}
		case "pass":
			f.pass(userPass(e).p)
		case "pipe":
			f.outcomes = append(f.outcomes, outcome{kind: fromPipe, p: e.p})
		case "purge":
			f.purge(e.p, e.ret)
		case "restart":
			f.restart(e.p, e.ret)
		}
	}
}

// maxRestarts is varnishd's max_restarts default.
const maxRestarts = 4

// restart follows return (restart): the request goes back to vcl_recv
// with what the VCL set on req kept and req.restarts one higher; the
// response built so far is dropped. Past max_restarts Varnish answers
// with vcl_synth's 503 instead.
func (f *flow) restart(p *path, at *Return) {
	if at == nil || f.fastly {
		return // Fastly's restart is followed by its own flow
	}
	if !decidable(p.conds) {
		// Behind a test the request does not decide (the backend's
		// status, User-Agent) the rounds that follow are told apart by
		// nothing a request shows: the path ends here, unfollowed.
		return
	}
	q := p.clone()
	q.restarts++
	q.stored, q.fetched = p.stored || p.fetched, false
	q.ops, q.status, q.pass, q.key = nil, 0, false, nil
	q.hashOrigin, q.uncacheable, q.ttlSet, q.bypass, q.hashed = false, false, false, false, false
	if q.restarts > maxRestarts {
		f.synthAt(q, at, 503)
		return
	}
	f.restarts = append(f.restarts, q)
}

// restarted runs the restarted requests round by round: the paths that
// restart alike (same method, origin, allowlists and count) go through
// vcl_recv once, with the conditions they all took, so that a restart on
// many paths does not multiply them again each round.
func (f *flow) restarted() {
	for len(f.restarts) > 0 {
		round := f.restarts
		f.restarts = nil
		byKey := map[string]*path{}
		var order []*path
		for _, r := range round {
			k := fmt.Sprintf("%s|%d|%d|%v|", r.method, r.restarts, r.origin, r.stored) + f.ids(nil, r.guards)
			if m, ok := byKey[k]; ok {
				m.conds = common(m.conds, r.conds)
				continue
			}
			m := r.clone()
			byKey[k] = m
			order = append(order, m)
		}
		for _, p := range order {
			f.recv(p)
		}
	}
}

// miss follows a lookup that finds nothing through vcl_miss: every probe
// of a fresh URL misses first.
func (f *flow) miss(p *path) {
	for _, e := range f.method("vcl_miss", p) {
		switch e.action {
		case "", "fetch":
			f.backend(e.p, true)
		case "pass":
			f.backend(userPass(e).p, false)
		case "synth":
			f.synth(e.p, e.ret)
		case "restart":
			f.restart(e.p, e.ret)
		}
	}
}

// userPass marks a path that the configuration's own return (pass)
// ended as one that bypasses the cache.
func userPass(e end) end {
	if e.ret != nil && e.ret.Span.File != builtinPath {
		e.p = e.p.clone()
		e.p.bypass = true
	}
	return e
}

// pass follows return (pass) through vcl_pass.
func (f *flow) pass(p *path) {
	for _, e := range f.method("vcl_pass", p) {
		switch e.action {
		case "", "fetch":
			f.backend(e.p, false)
		case "synth":
			f.synth(e.p, e.ret)
		case "restart":
			f.restart(e.p, e.ret)
		}
	}
}

// purge follows return (purge) through vcl_purge, whose built-in answer
// is synth(200, "Purged"); the response is placed at the purge.
func (f *flow) purge(p *path, at *Return) {
	for _, e := range f.method("vcl_purge", p) {
		if e.action == "restart" {
			f.restart(e.p, e.ret)
			continue
		}
		if e.action != "synth" || e.ret == nil {
			continue
		}
		span := e.ret
		if span.Span.File == builtinPath {
			span = at
		}
		f.synthAt(e.p, span, statusOf(e.ret))
	}
}

// hitDelivers reports whether vcl_hit can deliver a cached object; when
// every way through it passes (or restarts), the cache never answers.
func (f *flow) hitDelivers() bool {
	if f.fastly || len(f.l.userSubs("vcl_hit")) == 0 {
		return true
	}
	for _, m := range []string{"GET", "HEAD"} {
		for _, e := range f.method("vcl_hit", &path{method: m}) {
			if e.action == "" || e.action == "deliver" {
				return true
			}
		}
	}
	return false
}

// defs lists the definitions Varnish runs for a method, the built-in
// one last; Fastly's and Varnish 3's names count as their successors'.
func (f *flow) defs(name string) []*Sub {
	var out []*Sub
	alias := map[string]string{"vcl_backend_response": "vcl_fetch", "vcl_synth": "vcl_error"}[name]
	for _, s := range f.l.subs[name] {
		if !s.Builtin {
			out = append(out, s)
		}
	}
	if alias != "" {
		out = append(out, f.l.subs[alias]...)
	}
	for _, s := range f.l.subs[name] {
		if s.Builtin {
			out = append(out, s)
		}
	}
	return out
}

// method runs a vcl_* method for a path. Paths that end alike (the same
// action, headers and facts, by different routes) continue as one, so the
// methods that follow run once for them rather than once per route.
//
// A method's outcome depends only on what its conditions and statements
// read (the method, status, pass, origin and allowlists), so it is run
// once per such state and its results are appended to each path that
// reaches it.
func (f *flow) method(name string, p *path) []end {
	q := p.clone()
	q.phase, q.phaseOrigin = name, false
	return f.memoized(name, f.defs(name), q, false)
}

// memoized runs defs for p once per state that the statements can read
// (method, status, pass, origin, allowlists, phase), and appends the
// results to p: conditions, statements and hash data accumulate, the
// rest is what the run left.
func (f *flow) memoized(name string, defs []*Sub, p *path, custom bool) []end {
	k := memoKey{name: name, phase: p.phase, method: p.method, status: p.status, restarts: p.restarts, pass: p.pass, stored: p.stored, origin: p.origin, phaseOrigin: p.phaseOrigin, guards: f.ids(nil, p.guards)}
	ends, ok := f.memo[k]
	if !ok {
		q := &path{method: p.method, phase: p.phase, status: p.status, restarts: p.restarts, pass: p.pass, stored: p.stored, origin: p.origin, phaseOrigin: p.phaseOrigin, guards: p.guards}
		ends = f.alike(f.run(defs, q, custom))
		f.memo[k] = ends
	}
	out := make([]end, len(ends))
	for i, e := range ends {
		r := e.p.clone()
		r.conds = concat(p.conds, e.p.conds)
		r.ops = concat(p.ops, e.p.ops)
		if len(r.ops) > maxOps {
			r.ops = r.ops[:maxOps:maxOps]
		}
		r.key = concat(p.key, e.p.key)
		r.hashOrigin = p.hashOrigin || e.p.hashOrigin
		r.uncacheable = p.uncacheable || e.p.uncacheable
		r.ttlSet = p.ttlSet || e.p.ttlSet
		r.bypass = p.bypass || e.p.bypass
		r.fetched, r.hashed = p.fetched, p.hashed
		out[i] = end{p: r, action: e.action, ret: e.ret}
	}
	return f.alike(out)
}

func concat[T any](a, b []T) []T {
	out := make([]T, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

type memoKey struct {
	name, phase, method string
	status, restarts    int
	pass, phaseOrigin   bool
	stored              bool
	origin              tri
	guards              string
}

func (f *flow) alike(ends []end) []end {
	if len(ends) < 2 {
		return ends
	}
	byKey := map[string]int{}
	out := ends[:0:0]
	for _, e := range ends {
		p := e.p
		k := fmt.Sprintf("%s|%d|%d|%d|%v|%d|%v|%v|%v|%v|%v|%q|", e.action, f.id(e.ret), p.status, p.restarts, p.pass, p.origin, p.hashOrigin, p.uncacheable, p.ttlSet, p.bypass, p.phaseOrigin, p.key) + f.ids(p.ops, p.guards)
		if i, ok := byKey[k]; ok {
			q := out[i].p.clone()
			q.conds = common(q.conds, p.conds)
			out[i].p = q
			continue
		}
		byKey[k] = len(out)
		out = append(out, e)
	}
	return out
}

// id numbers the things paths point to, for cheap keys.
func (f *flow) id(x any) int {
	if x == nil {
		return 0
	}
	if n, ok := f.numbers[x]; ok {
		return n
	}
	n := len(f.numbers) + 1
	f.numbers[x] = n
	return n
}

// ids writes a key for lists of statements and allowlists.
func (f *flow) ids(ops []*model.HeaderOp, guards []*model.Matcher) string {
	b := make([]byte, 0, 4*(len(ops)+len(guards))+2)
	for _, op := range ops {
		b = strconv.AppendInt(append(b, 'o'), int64(f.id(op)), 36)
	}
	for _, g := range guards {
		b = strconv.AppendInt(append(b, 'g'), int64(f.id(g)), 36)
	}
	return string(b)
}

// run executes subroutine definitions one after the other, as Varnish
// concatenates them.
func (f *flow) run(defs []*Sub, p *path, custom bool) []end {
	ends := []end{{p: p}}
	var out []end
	for _, d := range defs {
		var next []end
		for _, e := range ends {
			if e.action != "" {
				out = append(out, e)
				continue
			}
			next = append(next, f.block(d.Body.Stmts, e.p, d.Builtin)...)
		}
		ends = next
	}
	out = append(out, ends...)
	if custom {
		for i := range out {
			if out[i].action == "return" {
				out[i].action = "" // a bare return leaves only the custom sub
			}
		}
	}
	return out
}

func (f *flow) block(ss []Stmt, p *path, builtin bool) []end {
	live := []*path{p}
	var done []end
	for _, s := range ss {
		var next []*path
		for _, lp := range live {
			for _, e := range f.stmt(s, lp, builtin) {
				if e.action == "" {
					next = append(next, e.p)
				} else {
					done = append(done, e)
				}
			}
		}
		if len(next) > maxLive {
			next = []*path{f.merge(p, next)}
		}
		live = next
		if len(live) == 0 {
			break
		}
	}
	for _, lp := range live {
		done = append(done, end{p: lp})
	}
	return done
}

func (f *flow) stmt(s Stmt, p *path, builtin bool) []end {
	if f.steps++; f.steps > maxSteps {
		return []end{{p: p}}
	}
	switch x := s.(type) {
	case *Block:
		return f.block(x.Stmts, p, builtin)
	case *If:
		return f.ifStmt(x, p, builtin)
	case *Return:
		action := x.Action
		if action == "" {
			action = "return"
		}
		return []end{{p: p, action: action, ret: x}}
	case *Call:
		return f.call(x.Name, p)
	case *Generic:
		if f.fastly && x.Keyword == "restart" {
			// the request starts over in vcl_recv: this path ends
			return []end{{p: p, action: "restart"}}
		}
	case *Set:
		if op := f.op(s, p); op != nil {
			return []end{{p: f.apply(p, op)}}
		}
		if f.fastly {
			if q, ok := f.setStatus(x, p); ok {
				return []end{{p: q}}
			}
		}
		return []end{{p: f.setFact(x, p)}}
	case *Unset:
		if op := f.op(s, p); op != nil {
			return []end{{p: f.apply(p, op)}}
		}
	case *CallStmt:
		if op := f.op(s, p); op != nil {
			return []end{{p: f.apply(p, op)}}
		}
		if strings.EqualFold(x.Call.Fn.Name, "hash_data") && x.Call.Recv == nil && len(x.Call.Args) == 1 {
			return []end{{p: f.hash(p, x.Call.Args[0])}}
		}
	}
	return []end{{p: p}}
}

func (f *flow) call(name string, p *path) []end {
	defs := f.l.subs[name]
	if len(defs) == 0 || f.calls >= maxCalls {
		return []end{{p: p}} // a sub from a file corslint did not read
	}
	f.calls++
	defer func() { f.calls-- }()
	return f.memoized(name, defs, p, true)
}

// setFact records what a set statement that is not a header tells about
// caching.
func (f *flow) setFact(x *Set, p *path) *path {
	name := strings.ToLower(x.Target.Name)
	switch {
	case name == "beresp.uncacheable":
		if id, ok := x.Value.(*Ident); ok && id.Name == "true" {
			q := p.clone()
			q.uncacheable = true
			return q
		}
	case name == "beresp.ttl" && x.Op == "=":
		if n, ok := x.Value.(*Number); ok && zeroDuration(n.Text) {
			q := p.clone()
			q.uncacheable = true
			return q
		}
		if u, ok := x.Value.(*Unary); ok && u.Op == "-" {
			q := p.clone()
			q.uncacheable = true
			return q
		}
		if _, ok := x.Value.(*Number); ok {
			q := p.clone()
			q.ttlSet = true
			return q
		}
	case name == "req.hash" && x.Op == "+=": // Fastly's hash_data
		return f.hash(p, x.Value)
	}
	return p
}

func zeroDuration(s string) bool {
	s = strings.TrimRight(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
	v, err := strconv.ParseFloat(s, 64)
	return err == nil && v <= 0
}

func (f *flow) hash(p *path, e Expr) *path {
	q := p.clone()
	q.key = append(q.key, exprText(e))
	walkExpr(e, func(x Expr) {
		if ok, _ := f.l.originSubject(x); ok {
			q.hashOrigin = true
		}
	})
	return q
}

func (f *flow) ifStmt(x *If, p *path, builtin bool) []end {
	rest := p
	var outs []end
	if rest.phase == "vcl_deliver" && readsHits(x) && f.changesCORS(x) {
		f.hitTests = appendSpan(f.hitTests, x.Span)
	}
	for _, br := range x.Branches {
		v := f.eval(br.Cond, rest)
		retry := retriesBelow(br)
		if retry {
			if !sendsBody(rest.method) || !rest.pass && !f.l.fetchKeepsBody() {
				continue
			}
			v = yes // the first fetch retries, and a body cannot be sent twice
		}
		if v == no {
			continue
		}
		// A test of the status the path already fixed (if (obj.status ==
		// 601) after error 601) is no condition on the response.
		decided := builtin || retry || statusDecided(br.Cond, rest)
		outs = append(outs, f.block(br.Body.Stmts, f.enter(rest, br, br.Cond, true, decided), builtin)...)
		if v == yes {
			rest = nil
			break
		}
		rest = f.enter(rest, br, br.Cond, false, builtin)
	}
	if rest != nil {
		if x.Else != nil {
			outs = append(outs, f.block(x.Else.Stmts, rest, builtin)...)
		} else {
			outs = append(outs, end{p: rest})
		}
	}
	return f.join(p, outs)
}

// sendsBody reports whether a browser request with this method carries a
// body, as fetch() with one does; Varnish 7.1 cannot retry it.
func sendsBody(method string) bool {
	return method == "POST" || method == "PUT" || method == "PATCH"
}

// maxRetries is varnishd's max_retries default.
const maxRetries = 4

// retriesBelow reports a branch `if (bereq.retries < N) { ... return
// (retry); }` with N within max_retries: the backend answers each retry
// alike, so the fetch that goes on is the one where the test fails, and
// the branch decides nothing about the response.
func retriesBelow(br *Branch) bool {
	b, ok := br.Cond.(*Binary)
	if !ok || b.Op != "<" && b.Op != "<=" {
		return false
	}
	id, ok := b.L.(*Ident)
	n, isNum := b.R.(*Number)
	if !ok || !isNum || !strings.EqualFold(id.Name, "bereq.retries") {
		return false
	}
	v, err := strconv.Atoi(n.Text)
	if err != nil || b.Op == "<=" {
		v++
	}
	if err != nil || v < 1 || v > maxRetries {
		return false
	}
	if br.Body == nil {
		return false
	}
	ss := br.Body.Stmts
	if len(ss) == 0 {
		return false
	}
	r, ok := ss[len(ss)-1].(*Return)
	return ok && r.Action == "retry"
}

// readsHits reports whether a condition of x tests obj.hits.
func readsHits(x *If) bool {
	found := false
	for _, br := range x.Branches {
		walkExpr(br.Cond, func(e Expr) {
			if id, ok := e.(*Ident); ok && strings.EqualFold(id.Name, "obj.hits") {
				found = true
			}
		})
	}
	return found
}

// changesCORS reports whether x's branches hold a statement on a CORS
// header or Vary.
func (f *flow) changesCORS(x *If) bool {
	var in func(ss []Stmt) bool
	in = func(ss []Stmt) bool {
		for _, s := range ss {
			switch y := s.(type) {
			case *Block:
				if in(y.Stmts) {
					return true
				}
			case *If:
				if f.changesCORS(y) {
					return true
				}
			default:
				if op := f.l.ops[s]; op != nil && (model.IsCORSHeader(op.Name) || op.Name == model.Vary) {
					return true
				}
			}
		}
		return false
	}
	for _, br := range x.Branches {
		if br.Body != nil && in(br.Body.Stmts) {
			return true
		}
	}
	return x.Else != nil && in(x.Else.Stmts)
}

// hitsCompare decides a test of obj.hits in vcl_deliver where the path
// fixes it: a passed request or a failed fetch is no hit, so obj.hits is
// 0. On a lookup's path the same vcl_deliver also runs for a hit, with
// the count of hits so far: the test stays a condition (model.HitsTest)
// that the prediction decides from the requests before.
func hitsCompare(b *Binary, p *path) (tri, bool) {
	id, ok := b.L.(*Ident)
	n, isNum := b.R.(*Number)
	if !ok || !isNum || !strings.EqualFold(id.Name, "obj.hits") || p.phase != "vcl_deliver" || !p.pass && p.status == 0 {
		return unknown, false
	}
	return compareInt(b, n, 0)
}

// hitsTest reads a condition that only compares obj.hits with a number,
// as it holds when taken with truth.
func hitsTest(r condRef) *model.HitsTest {
	b, ok := r.e.(*Binary)
	if !ok {
		return nil
	}
	id, ok := b.L.(*Ident)
	n, isNum := b.R.(*Number)
	if !ok || !isNum || !strings.EqualFold(id.Name, "obj.hits") {
		return nil
	}
	v, err := strconv.Atoi(n.Text)
	if err != nil {
		return nil
	}
	op := b.Op
	if !r.truth {
		op = map[string]string{"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}[op]
	}
	if op == "" {
		return nil
	}
	return &model.HitsTest{Op: op, N: v}
}

// statusDecided reports whether what the path fixes (the status,
// req.restarts, obj.hits) alone makes e hold.
func statusDecided(e Expr, p *path) bool {
	return evalWith(e, func(x Expr) (tri, bool) {
		if b, ok := x.(*Binary); ok {
			if v, ok := restartsCompare(b, p.restarts); ok {
				return v, true
			}
			if v, ok := hitsCompare(b, p); ok {
				return v, true
			}
			return statusCompare(b, p.status)
		}
		return unknown, false
	}) == yes
}

// enter is a path after a branch condition was found to be truth;
// unrecorded, the condition is not added to the path's conditions.
func (f *flow) enter(p *path, br *Branch, e Expr, truth, unrecorded bool) *path {
	q := p.clone()
	if !unrecorded {
		c := f.l.branchCond(br, truth)
		if c.Hits != nil && p.stored && !p.pass {
			// After a restart that fetched, the request may hit what its
			// own first round stored: the requests before it do not
			// give obj.hits.
			c = f.l.withoutHits(c)
		}
		q.conds = append(q.conds, c)
	}
	facts := f.l.factsOf(e, truth)
	q.guards = append(q.guards, facts.guards...)
	if facts.origin != unknown {
		q.origin = facts.origin
	} else if o := f.originGiven(e, truth, p); o != unknown {
		q.origin = o
	}
	if facts.matches {
		q.phaseOrigin = true
	}
	return q
}

// originGiven is what a condition evaluating to truth says about whether
// the request carries an Origin once the path's method and status are
// known: !(req.method == "OPTIONS" && req.http.Origin) false for OPTIONS
// means no Origin.
func (f *flow) originGiven(e Expr, truth bool, p *path) tri {
	switch x := e.(type) {
	case *Unary:
		if x.Op == "!" {
			return f.originGiven(x.X, !truth, p)
		}
	case *Binary:
		if x.Op != "&&" && x.Op != "||" || x.Op == "&&" == truth {
			break // both sides hold (or fail): originFact already read them
		}
		// one side decided the outcome: if the path fixes the other,
		// this one did
		known := func(side Expr) tri {
			return evalWith(side, func(y Expr) (tri, bool) {
				if b, ok := y.(*Binary); ok {
					if v, ok := methodCompare(b, p.method); ok {
						return v, true
					}
					return statusCompare(b, p.status)
				}
				return unknown, false
			})
		}
		// && false: a side that is true leaves the other false;
		// || true: a side that is false leaves the other true
		other := yes
		if x.Op == "||" {
			other = no
		}
		switch {
		case known(x.L) == other:
			return f.l.originFact(x.R, truth)
		case known(x.R) == other:
			return f.l.originFact(x.L, truth)
		}
	}
	return unknown
}

// join merges the paths that fell through an if, when their branches
// changed different headers: the statements then simply apply, each
// under its own condition. Branches that change the same CORS header or
// Vary stay apart, since one replaces the other; for other headers
// (X-Cache and the like) the difference does not matter here.
func (f *flow) join(base *path, outs []end) []end {
	var falls []*path
	var rest []end
	for _, e := range outs {
		if e.action == "" {
			falls = append(falls, e.p)
		} else {
			rest = append(rest, e)
		}
	}
	if len(falls) <= 1 {
		return outs
	}
	type use struct {
		branch   int
		replaces bool
	}
	first := map[string]use{}
	for i, q := range falls {
		for _, op := range q.ops[len(base.ops):] {
			if !model.IsCORSHeader(op.Name) && op.Name != model.Vary {
				continue
			}
			// Appends in both branches (if Vary is set, extend it, else
			// set it) extend the header either way.
			extends := op.Op == model.Append || op.Op == model.Merge
			u, ok := first[op.Name]
			if ok && u.branch != i && (!extends || u.replaces) && len(falls) <= maxLive {
				return outs
			}
			if !ok || !extends {
				first[op.Name] = use{i, !extends}
			}
		}
	}
	return append(rest, end{p: f.merge(base, falls)})
}

// merge makes one path of several that started as base.
func (f *flow) merge(base *path, ps []*path) *path {
	m := base.clone()
	// A statement taken in several branches applies once; one that ran
	// before the if applies again.
	have := map[*model.HeaderOp]bool{}
	// Branches that append the same value (if Vary is set, extend it,
	// else set it) add it once: only one of them runs.
	appended := map[string]int{}
	m.uncacheable = true
	for i, q := range ps {
		// A statement merged in from a branch applies under the branch's
		// condition.
		var cond *model.Condition
		if len(q.conds) > len(base.conds) {
			cond = q.conds[len(base.conds)]
		}
		for _, op := range q.ops[min(len(base.ops), len(q.ops)):] {
			if cond != nil && op.When == nil {
				op = f.conditional(op, cond)
			}
			if op.Op == model.Append {
				k := op.Name + "\x00" + op.Value.Raw
				if op.Value.Kind == model.Literal {
					k = op.Name + "\x00" + op.Value.Text
				}
				if j, ok := appended[k]; ok && j != i {
					continue
				}
				appended[k] = i
			}
			if !have[op] && len(m.ops) < maxOps {
				have[op] = true
				m.ops = append(m.ops, op)
			}
		}
		m.key = append(m.key, q.key[min(len(base.key), len(q.key)):]...)
		m.hashOrigin = m.hashOrigin || q.hashOrigin
		m.uncacheable = m.uncacheable && q.uncacheable
		m.ttlSet = m.ttlSet && q.ttlSet
		m.bypass = m.bypass || q.bypass
	}
	return m
}

func (f *flow) eval(e Expr, p *path) tri {
	return evalWith(e, func(x Expr) (tri, bool) {
		switch y := x.(type) {
		case *Binary:
			if v, ok := methodCompare(y, p.method); ok {
				return v, true
			}
			if v, ok := statusCompare(y, p.status); ok {
				return v, true
			}
			if v, ok := restartsCompare(y, p.restarts); ok {
				return v, true
			}
			if v, ok := hitsCompare(y, p); ok {
				return v, true
			}
			if p.origin == no && (y.Op == "~" || y.Op == "==") {
				if ok, _ := f.l.originSubject(y.L); ok {
					return no, true
				}
			}
		case *Ident:
			switch strings.ToLower(y.Name) {
			case "req.http.host", "bereq.http.host":
				return yes, true // browsers always send Host
			case "bereq.uncacheable":
				if p.pass {
					return yes, true
				}
				return no, true
			}
			if isOriginName(y.Name) && p.origin != unknown {
				return p.origin, true
			}
		}
		return unknown, false
	})
}

// op returns the header op a statement applies on this path: the static
// one, or a variant that knows more (the allowlists the path passed, that
// the path depends on the origin, that vcl_deliver runs it).
func (f *flow) op(s Stmt, p *path) *model.HeaderOp {
	base := f.l.ops[s]
	if base == nil {
		return nil
	}
	if w := base.When; w != nil && w.Hits != nil && p.stored && !p.pass {
		base = f.conditional(base, f.l.withoutHits(w)) // see enter
	}
	delivery := model.Always
	switch {
	case f.fastly:
		delivery = base.Delivery // decided statically: see headerOp
	case p.phase == "vcl_deliver":
		delivery = model.Delivered
	}
	addGuards := len(p.guards) > 0 && unguardedReflection(base.Value)
	wrap := p.phaseOrigin && isFixed(base.Value)
	if !addGuards && !wrap && delivery == base.Delivery {
		return base
	}
	k := variantKey{base: base, delivery: delivery, wrap: wrap}
	if addGuards || wrap {
		k.guards = f.ids(nil, p.guards)
	}
	if v, ok := f.variants[k]; ok {
		return v
	}
	v := *base
	v.Delivery = delivery
	if addGuards {
		v.Value = withGuards(v.Value, p.guards)
	}
	if wrap {
		v.Value = wrapLiteral(v.Value, p.guards)
	}
	f.variants[k] = &v
	f.baseOf[&v] = base
	return &v
}

// conditional is op applying under cond.
func (f *flow) conditional(op *model.HeaderOp, cond *model.Condition) *model.HeaderOp {
	k := variantKey{base: op, when: cond}
	if v, ok := f.variants[k]; ok {
		return v
	}
	v := *op
	v.When = cond
	f.variants[k] = &v
	f.baseOf[&v] = f.base(op)
	return &v
}

func isFixed(v model.Value) bool {
	return v.Kind == model.Literal || v.Kind == model.Wildcard || v.Kind == model.Null
}

func (f *flow) apply(p *path, op *model.HeaderOp) *path {
	if len(p.ops) >= maxOps {
		return p // a path this long is a loop of calls; the rest adds nothing new
	}
	q := p.clone()
	q.ops = append(q.ops, op)
	if p.phase == "vcl_deliver" && op.Name == model.Vary && op.Op != model.Unset && namesOrigin(op.Value) {
		f.deliveryVary = appendSpan(f.deliveryVary, op.Span)
	}
	return q
}

func appendSpan(ss []model.Span, s model.Span) []model.Span {
	for _, x := range ss {
		if x.File == s.File && x.Line == s.Line && x.Col == s.Col {
			return ss
		}
	}
	return append(ss, s)
}

// namesOrigin reports whether a Vary value can name Origin (or *).
func namesOrigin(v model.Value) bool {
	for _, p := range v.Possible() {
		if p.Kind != model.Literal && p.Kind != model.Wildcard {
			continue
		}
		for _, it := range strings.Split(p.Text, ",") {
			it = strings.TrimSpace(it)
			if strings.EqualFold(it, "origin") || it == "*" {
				return true
			}
		}
	}
	return false
}

// backend follows a request to the backend: vcl_backend_response, then
// vcl_deliver. cacheable is false for return (pass).
func (f *flow) backend(p *path, cacheable bool) {
	q := p.clone()
	q.pass, q.uncacheable, q.fetched = !cacheable, false, cacheable
	fetch := "vcl_backend_response"
	if f.fastly {
		fetch = "vcl_fetch"
	}
	for _, e := range f.method(fetch, q) {
		switch e.action {
		case "error":
			if f.fastly {
				f.fastlyError(e.p, e.ret)
			}
			continue
		case "abandon":
			// The client side gets vcl_synth with status 503; what
			// vcl_backend_response set is dropped with the response.
			a := e.p.clone()
			a.ops = q.ops
			f.synthAt(a, e.ret, 503)
			continue
		case "retry":
			if sendsBody(q.method) && (q.pass || f.l.fetchKeepsBody()) {
				// A passed request's body is not kept for a second fetch
				// (without std.cache_req_body): the retry fails and the
				// client gets vcl_synth's 503. A miss fetches with GET
				// and no body, so it retries, unless vcl_backend_fetch
				// returned before the built-in one drops the body.
				a := e.p.clone()
				a.ops = q.ops
				f.synthAt(a, e.ret, 503)
				continue
			}
			// Every retry meets the same backend answer: once
			// max_retries is reached the fetch fails as a 503 that
			// vcl_backend_error builds.
			f.fetchError(q, e)
			continue
		case "fail", "restart":
			continue
		case "pass": // Varnish 4.0's hit-for-pass
			e.p = e.p.clone()
			e.p.uncacheable = true
		}
		stores := cacheable && !e.p.uncacheable && e.p.origin != no
		for _, op := range e.p.ops {
			if !op.Stored {
				continue
			}
			b := f.base(op)
			f.reached[b] = true
			if stores {
				f.storing[b] = true
				if op.Name == model.Vary && op.Op != model.Unset && namesOrigin(op.Value) {
					f.storedVary = true
				}
			}
		}
		if stores {
			f.stores = true
			f.untimed = f.untimed || !e.p.ttlSet
			f.keyOrigin = f.keyOrigin || e.p.hashOrigin
			for _, k := range e.p.key {
				if !contains(f.key, k) {
					f.key = append(f.key, k)
				}
			}
		}
		for _, d := range f.method("vcl_deliver", e.p) {
			switch d.action {
			case "", "deliver", "deliver_stale":
				// Fastly's vcl_deliver may fix the status (set resp.status
				// = 204 for OPTIONS); Varnish's is not read here.
				status := 0
				if f.fastly {
					status = d.p.status
				}
				f.outcomes = append(f.outcomes, outcome{kind: fromBackend, status: status, p: d.p})
			case "synth":
				f.synth(d.p, d.ret)
			case "restart":
				f.restart(d.p, d.ret)
			}
		}
	}
}

func (f *flow) base(op *model.HeaderOp) *model.HeaderOp {
	if b, ok := f.baseOf[op]; ok {
		return b
	}
	return op
}

// fetchError follows a fetch that fails through vcl_backend_error and
// vcl_deliver: the error object is delivered like a fetched one.
func (f *flow) fetchError(pre *path, e end) {
	q := e.p.clone()
	q.ops, q.status = pre.ops, 503
	for _, be := range f.method("vcl_backend_error", q) {
		if be.action != "" && be.action != "deliver" {
			continue
		}
		for _, d := range f.method("vcl_deliver", be.p) {
			if d.action == "" || d.action == "deliver" {
				f.outcomes = append(f.outcomes, outcome{kind: fromFetchError, status: 503, ret: e.ret, p: d.p})
			}
		}
	}
}

// synth follows return (synth(...)) to vcl_synth. The statements of
// vcl_deliver are kept on the synthetic response as ones that do not
// reach it, so that rules can say a header set only there is missing.
func (f *flow) synth(p *path, ret *Return) {
	if ret == nil || ret.Span.File == builtinPath {
		return
	}
	f.synthAt(p, ret, statusOf(ret))
}

// synthAt is synth for a response of status placed at ret.
func (f *flow) synthAt(p *path, ret *Return, status int) {
	dp := p.clone()
	dp.ops, dp.status = nil, 0
	var delivered []*model.HeaderOp
	for _, e := range f.method("vcl_deliver", dp) {
		if e.action == "" || e.action == "deliver" {
			delivered = e.p.ops
			break
		}
	}
	sp := p.clone()
	sp.status = status
	for _, e := range f.method("vcl_synth", sp) {
		if e.action == "restart" && sp.restarts <= maxRestarts {
			f.restart(e.p, e.ret)
			continue
		}
		// Past max_restarts vcl_synth's own restart delivers its 503.
		if e.action == "" || e.action == "deliver" || e.action == "restart" {
			q := e.p.clone()
			q.ops = append(missing(delivered, q.ops), q.ops...)
			f.outcomes = append(f.outcomes, outcome{kind: fromSynth, status: sp.status, ret: ret, p: q})
		}
	}
}

// missing keeps the Access-Control-Allow-Origin statements of vcl_deliver
// when vcl_synth does not set the header itself.
func missing(delivered, own []*model.HeaderOp) []*model.HeaderOp {
	set := map[string]bool{}
	for _, op := range own {
		if op.Op != model.Unset {
			set[op.Name] = true
		}
	}
	var out []*model.HeaderOp
	for _, op := range delivered {
		if op.Name == model.ACAO && !set[op.Name] {
			out = append(out, op)
		}
	}
	return out
}

// statusOf reads the status of synth(N, ...) or error N.
func statusOf(r *Return) int {
	if len(r.Args) == 0 {
		return 0
	}
	a := r.Args[0]
	if c, ok := a.(*Concat); ok && len(c.Parts) > 0 {
		a = c.Parts[0]
	}
	if n, ok := a.(*Number); ok {
		if v, err := strconv.Atoi(n.Text); err == nil {
			return v
		}
	}
	return 0
}

// refineStored clears Stored on backend statements that only ever run
// for responses Varnish does not cache (return (pass), uncacheable).
func (f *flow) refineStored() {
	for _, op := range f.l.ops {
		if op.Stored && f.reached[op] && !f.storing[op] {
			op.Stored = false
		}
	}
	for _, v := range f.variants {
		v.Stored = f.base(v).Stored
	}
}
