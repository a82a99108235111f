package apache

import "strings"

// accessStatus is the status an OPTIONS request gets from access control
// before any handler: 401 where authentication is required (preflights
// carry no credentials), 403 where it is denied; 0 when it passes or
// corslint cannot tell. The last section that says Require, in its own
// lines or in a <Limit> or <LimitExcept> on any method, decides: its
// lines for OPTIONS are one RequireAny, and none for OPTIONS refuses
// nothing (httpd 2.4.71 answered OPTIONS with 200 under Require all
// granted beside <Limit OPTIONS> Require all denied, as the walk has it).
// all reports whether the status holds for every method (no <Limit>
// line for OPTIONS took part).
func (l *lowerer) accessStatus(chain []*sec) (status int, all bool) {
	for i := len(chain) - 1; i >= 0; i-- {
		s := chain[i]
		lines := requireLines(s.body)
		has, limited := len(lines) > 0, false
		for _, k := range s.kids {
			if k.kind != "Limit" && k.kind != "LimitExcept" {
				continue
			}
			kl := requireLines(k.body)
			has = has || len(kl) > 0
			listed := false
			for _, a := range k.d.Args {
				listed = listed || strings.EqualFold(a.Value, "OPTIONS")
			}
			if listed == (k.kind == "Limit") && len(kl) > 0 {
				lines, limited = append(lines, kl...), true
			}
		}
		if !has {
			continue
		}
		st, _ := requireStatus(lines)
		return st, !limited
	}
	return 0, false
}

// requireLines returns the Require lines of a section's own body.
func requireLines(body []*Directive) []*Directive {
	var out []*Directive
	for _, d := range body {
		if d.Is("Require") && len(d.Args) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// requireStatus evaluates Require lines (any one may grant access).
func requireStatus(body []*Directive) (int, bool) {
	has, granted, unknown, auth := false, false, false, false
	for _, d := range body {
		if !d.Is("Require") || len(d.Args) == 0 {
			continue
		}
		has = true
		what := strings.ToLower(d.Arg(0))
		if what == "not" {
			unknown = true
			continue
		}
		switch {
		case what == "all" && strings.EqualFold(d.Arg(1), "granted"):
			granted = true
		case what == "all":
		case what == "valid-user" || what == "user" || what == "group" || strings.HasPrefix(what, "ldap-") ||
			strings.HasSuffix(what, "-group") || what == "file-owner":
			auth = true
		default:
			unknown = true
		}
	}
	switch {
	case !has:
		return 0, false
	case granted || unknown:
		return 0, true
	case auth:
		return 401, true
	}
	return 403, true
}
