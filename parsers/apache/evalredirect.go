package apache

import (
	"strconv"
	"strings"

	"github.com/corslint/corslint/model"
)

// redirect is one Redirect, RedirectMatch, RedirectPermanent or
// RedirectTemp statement as mod_alias's add_redirect_internal reads it.
type redirect struct {
	d      *Directive
	status int
	// fake is the URL-path (a prefix, or a regex for RedirectMatch) that
	// a listed redirect tests; a section's redirect without one (the
	// form of <Location>) takes every request the section applies to.
	fake    string
	regex   bool
	listed  bool
	invalid bool
}

// parseRedirect reads d's arguments the way add_redirect_internal does:
// a first argument that names a status (permanent, temp, seeother, gone
// or a number) is the status; with three arguments the other two are the
// URL-path and the URL; with two, a status other than gone makes the
// second the URL of the section's own redirect (no URL-path), and
// otherwise they are the URL-path and URL; with one, it is the URL of
// the section's own redirect, or gone alone.
func parseRedirect(d *Directive) redirect {
	r := redirect{d: d, status: 302, regex: d.Is("RedirectMatch")}
	if d.Is("RedirectPermanent") {
		r.status = 301
	}
	args := make([]string, 0, 3)
	for _, a := range d.Args {
		args = append(args, a.Value)
	}
	if len(args) == 0 || len(args) > 3 || (d.Is("RedirectPermanent") || d.Is("RedirectTemp")) && len(args) != 2 {
		r.invalid = true
		return r
	}
	grok := true
	switch a := strings.ToLower(args[0]); {
	case a == "permanent":
		r.status = 301
	case a == "temp":
		r.status = 302
	case a == "seeother":
		r.status = 303
	case a == "gone":
		r.status = 410
	case a != "" && a[0] >= '0' && a[0] <= '9':
		n, _ := strconv.Atoi(a)
		r.status = n
	default:
		grok = false
	}
	switch {
	case len(args) == 3 && !grok:
		r.invalid = true
	case len(args) == 3:
		r.fake, r.listed = args[1], true
	case grok && len(args) == 2 && r.status != 410:
		// the section's own redirect to args[1]
	case grok && len(args) == 1 && r.status == 410:
	case grok && len(args) == 1:
		r.invalid = true // "URL to redirect to is missing"
	case !grok && len(args) == 1:
	case !grok:
		r.fake, r.listed = args[0], true
	default: // gone with a URL-path
		r.fake, r.listed = args[1], true
	}
	if r.regex && !r.listed {
		r.invalid = true
	}
	return r
}

// isRedirect reports whether d is one of mod_alias's redirects.
func isRedirect(d *Directive) bool {
	return d.Is("Redirect") || d.Is("RedirectMatch") || d.Is("RedirectPermanent") || d.Is("RedirectTemp")
}

// redirectOf returns the redirect that takes the request in mod_alias's
// order: the section's own redirect of the sections merged so far (the
// last one set wins), then the listed redirects of lists in the order
// given, the first that matches the URI. It reports false when none does.
func (ev *evalRun) redirectOf(merged []*esec, lists [][]*Directive) (int, model.Span, bool) {
	var own *redirect
	for _, s := range merged {
		for _, d := range s.body {
			if !isRedirect(d) {
				continue
			}
			r := parseRedirect(d)
			if r.invalid {
				ev.refuse("%s form is not modelled", d.Name)
				return 0, model.Span{}, false
			}
			if !r.listed {
				own = &r
			}
		}
	}
	if own != nil {
		return own.status, own.d.Span, true
	}
	for _, ds := range lists {
		for _, d := range ds {
			if !isRedirect(d) {
				continue
			}
			r := parseRedirect(d)
			if r.invalid {
				ev.refuse("%s form is not modelled", d.Name)
				return 0, model.Span{}, false
			}
			if !r.listed {
				continue
			}
			if r.regex {
				re, err := ev.patterns().Compile(r.fake, false)
				if err != nil {
					ev.refuse("RedirectMatch %q: %v", r.fake, err)
					return 0, model.Span{}, false
				}
				if m, _ := re.FindStringMatch(ev.req.Path); m == nil {
					continue
				}
			} else if aliasMatches(ev.req.Path, r.fake) == 0 {
				continue
			}
			return r.status, d.Span, true
		}
	}
	return 0, model.Span{}, false
}

// translateRedirect is mod_alias's translate_name for redirects: the
// section's own redirect of the server and the <Location>s (the per-dir
// configuration at that point), then the virtual host's listed
// redirects, then the main server's.
func (ev *evalRun) translateRedirect(server, locs []*esec) (int, model.Span, bool) {
	var lists [][]*Directive
	for i := len(server) - 1; i >= 0; i-- {
		lists = append(lists, server[i].body)
	}
	return ev.redirectOf(append(append([]*esec(nil), server...), locs...), lists)
}

// fixupRedirect is mod_alias's fixup: the section's own redirect of the
// whole merged configuration, then the sections' listed redirects, those
// merged last first (merge_alias_dir_config puts the overriding
// section's before its base's). The server's own listed redirects are
// not among them: they were tried at translate time.
func (ev *evalRun) fixupRedirect(chain []*esec, nServer int) (int, model.Span, bool) {
	var lists [][]*Directive
	for i := len(chain) - 1; i >= nServer; i-- {
		lists = append(lists, chain[i].body)
	}
	return ev.redirectOf(chain, lists)
}
