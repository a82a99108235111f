package engine

import (
	"net"
	"path/filepath"
	"sort"
	"strings"

	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/model"
)

// frontDirs lists the directories that hold a file named like one of a
// Fronting dialect (a .vcl): their files may form a stack.
func frontDirs(ds []dialect.Dialect, cands []candidate) map[string]bool {
	var fronts []dialect.Dialect
	for _, d := range ds {
		if f, ok := d.(dialect.Fronting); ok && f.Fronts() {
			fronts = append(fronts, d)
		}
	}
	dirs := map[string]bool{}
	for _, c := range cands {
		for _, d := range fronts {
			if d.Detect(c.path, nil).Confidence == dialect.Certain {
				dirs[filepath.Dir(c.path)] = true
			}
		}
	}
	return dirs
}

// fronts reports whether files of dialect name sit in front of the others
// of their directory.
func fronts(ds []dialect.Dialect, name model.Dialect) bool {
	for _, d := range ds {
		if d.Name() == name {
			f, ok := d.(dialect.Fronting)
			return ok && f.Fronts()
		}
	}
	return false
}

// parseOrder puts the files that usually include others (nginx.conf,
// httpd.conf) first, so that the files they include are known to be
// included when their turn comes and their rules need not run. Results
// go by index, so the order changes no output.
func parseOrder(ds []dialect.Dialect, cands []candidate) []int {
	var inc []dialect.Including
	for _, d := range ds {
		if i, ok := d.(dialect.Including); ok {
			inc = append(inc, i)
		}
	}
	order := make([]int, 0, len(cands))
	var rest []int
	for i, c := range cands {
		top := false
		for _, d := range inc {
			top = top || d.IncludesOthers(c.path)
		}
		if top {
			order = append(order, i)
		} else {
			rest = append(rest, i)
		}
	}
	return append(order, rest...)
}

// stackFor gives each file the stack that cross-layer rules see. With
// stack globs (.corslint.yaml stack:), the files they match form one
// stack, in the order of the globs. Otherwise the files of one directory
// that holds a file of a Fronting dialect (a VCL) form one stack: Varnish
// in front of the backends configured beside it, so those files come
// first (outermost) and the others follow in their order. Every other
// file is a stack of its own.
func stackFor(ds []dialect.Dialect, files []*model.File, rank func(string) int) [][]*model.File {
	if rank != nil {
		return declaredStack(files, rank)
	}
	byDir := map[string][]*model.File{}
	for _, f := range files {
		d := filepath.Dir(f.Path)
		byDir[d] = append(byDir[d], f)
	}
	stacks := map[string][]*model.File{}
	for d, fs := range byDir {
		var edge, rest []*model.File
		for _, f := range fs {
			if fronts(ds, f.Dialect) {
				edge = append(edge, f)
			} else {
				rest = append(rest, f)
			}
		}
		if len(edge) > 0 && len(fs) > 1 {
			stacks[d] = append(edge, rest...)
		}
	}
	pairs := hostPairs(files)
	out := make([][]*model.File, len(files))
	for i, f := range files {
		if st, ok := stacks[filepath.Dir(f.Path)]; ok {
			out[i] = st
		} else if st, ok := pairs[f]; ok {
			out[i] = st
		} else {
			out[i] = []*model.File{f}
		}
	}
	return out
}

// hostPairs pairs each Worker that fetches an origin it names by host
// (fetch('https://origin.example.com' + path)) with the one file of the
// run whose virtual server answers that host (server_name, ServerName
// or ServerAlias): the Worker in front, that server behind it. A Worker
// that passes the request on as addressed (fetch(request)) names no
// host: where it goes is the zone's DNS record, which no file holds, so
// it is paired only by stack:. So is a host that several files serve.
func hostPairs(files []*model.File) map[*model.File][]*model.File {
	out := map[*model.File][]*model.File{}
	for _, w := range files {
		// only an upstream reached by its host names one (fetchHost)
		var behind *model.File
		ambiguous := false
		for _, u := range w.Upstreams {
			host := fetchHost(u)
			if host == "" {
				continue
			}
			for _, f := range files {
				if f == w || f == behind || !servesHost(f, host) {
					continue
				}
				ambiguous = ambiguous || behind != nil
				behind = f
			}
		}
		if behind == nil || ambiguous {
			continue
		}
		st := []*model.File{w, behind}
		out[w] = st
		if _, taken := out[behind]; !taken {
			out[behind] = st
		}
	}
	return out
}

// fetchHost is the host an upstream reached by its host names (a
// Worker's fetch()), or "".
func fetchHost(u *model.Upstream) string {
	if !u.ByHost {
		return ""
	}
	t, ok := strings.CutPrefix(u.Target, "https://")
	if !ok {
		t, ok = strings.CutPrefix(u.Target, "http://")
	}
	if !ok {
		return ""
	}
	if h, _, err := net.SplitHostPort(t); err == nil {
		t = h
	}
	return strings.ToLower(t)
}

// servesHost reports whether a virtual server of f names host exactly.
func servesHost(f *model.File, host string) bool {
	for _, s := range f.Scopes {
		if s.Role != model.RoleServer {
			continue
		}
		for _, h := range s.Hosts {
			if strings.EqualFold(strings.TrimSuffix(h, "."), host) {
				return true
			}
		}
	}
	return false
}

// declaredStack puts the files the declaration ranks into one stack, in
// rank order.
func declaredStack(files []*model.File, rank func(string) int) [][]*model.File {
	var stack []*model.File
	ranks := make([]int, len(files))
	for i, f := range files {
		ranks[i] = rank(f.Path)
		if ranks[i] >= 0 {
			stack = append(stack, f)
		}
	}
	sort.SliceStable(stack, func(i, j int) bool { return rank(stack[i].Path) < rank(stack[j].Path) })
	out := make([][]*model.File, len(files))
	for i, f := range files {
		if ranks[i] >= 0 && len(stack) > 1 {
			out[i] = stack
		} else {
			out[i] = []*model.File{f}
		}
	}
	return out
}

// handlerFiles lists the function code the files' proxy integrations pass
// requests to (a SAM function's CodeUri and Handler, read by the code
// reader), that is not among the files already: check then predicts what
// the handler returns, as lint reads it, without the handler being named.
// Each is the innermost layer behind the integration that names it.
func handlerFiles(files []*model.File) []string {
	have := map[string]bool{}
	for _, f := range files {
		have[filepath.Clean(f.Path)] = true
	}
	var out []string
	for _, f := range files {
		// SAM keeps its integrations on the responses.
		us := f.Upstreams
		for _, r := range f.Responses {
			if r.Upstream != nil {
				us = append(us, r.Upstream)
			}
		}
		for _, u := range us {
			if !u.Function {
				continue
			}
			for _, r := range u.Returns {
				if p := r.Span.File; p != "" && !have[filepath.Clean(p)] {
					have[filepath.Clean(p)] = true
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// parseHandler reads a function's code with the first dialect that reads
// application code (dialect.CodeReading), which the integration's Handler
// names whether or not the file looks like an HTTP application to
// detection; nil when it cannot be read.
func parseHandler(ds []dialect.Dialect, p string, o *Options) *model.File {
	src, err := readLimited(p, o.maxFileSize())
	if err != nil {
		return nil
	}
	for _, d := range ds {
		if c, ok := d.(dialect.CodeReading); !ok || !c.ReadsCode() {
			continue
		}
		if u, ok := d.(dialect.Unavailable); ok && u.Unavailable() != "" {
			return nil
		}
		parsed, ok := d.Parse(p, src, &dialect.Options{Root: filepath.Dir(p), AllowOutsideRoot: o.AllowOutsideRoot, MaxFileSize: o.maxFileSize(), BaseDir: o.BaseDir})
		if !ok || parsed.File == nil {
			return nil
		}
		if parsed.File.Advice == nil {
			parsed.File.Advice = d.Advice()
		}
		return parsed.File
	}
	return nil
}

// pairingScopes are copies of f's virtual servers that name hosts, all
// hostPairs reads of a file already checked alone.
func pairingScopes(f *model.File) []*model.Scope {
	var out []*model.Scope
	for _, s := range f.Scopes {
		if s.Role == model.RoleServer && len(s.Hosts) > 0 {
			// copies of the strings, which else keep the whole text
			// the parser sliced them from
			hosts := make([]string, len(s.Hosts))
			for i, h := range s.Hosts {
				hosts[i] = strings.Clone(h)
			}
			out = append(out, &model.Scope{Kind: strings.Clone(s.Kind), Label: strings.Clone(s.Label), Role: s.Role, Hosts: hosts})
		}
	}
	return out
}

// pairingUpstreams are copies of f's Worker fetches that name a host.
func pairingUpstreams(f *model.File) []*model.Upstream {
	var out []*model.Upstream
	for _, u := range f.Upstreams {
		if fetchHost(u) != "" {
			out = append(out, &model.Upstream{Target: strings.Clone(u.Target), Directive: strings.Clone(u.Directive), ByHost: true})
		}
	}
	return out
}
