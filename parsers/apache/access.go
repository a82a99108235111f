package apache

import "strings"

// accessStatus is the status an OPTIONS request gets from access control
// before any handler: 401 where authentication is required (preflights
// carry no credentials), 403 where it is denied; 0 when it passes or
// corslint cannot tell. The last section that says Require decides. all
// reports whether the status holds for every method (a section's own
// Require, not a <Limit> on some methods).
func (l *lowerer) accessStatus(chain []*sec) (status int, all bool) {
	for i := len(chain) - 1; i >= 0; i-- {
		s := chain[i]
		for _, k := range s.kids {
			if k.kind != "Limit" && k.kind != "LimitExcept" {
				continue
			}
			listed := false
			for _, a := range k.d.Args {
				listed = listed || strings.EqualFold(a.Value, "OPTIONS")
			}
			if listed == (k.kind == "Limit") {
				if st, ok := requireStatus(k.body); ok {
					return st, false
				}
			}
		}
		if st, ok := requireStatus(s.body); ok {
			return st, true
		}
	}
	return 0, false
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
