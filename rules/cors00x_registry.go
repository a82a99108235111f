package rules

import (
	"fmt"
	"strings"

	"github.com/corslint/corslint/findings"
)

var parseError = &Rule{Meta: Meta{
	ID: "CORS001", Slug: "parse-error", Severity: findings.Error, Diagnostic: true,
	SecuritySeverity: "0.0",
	Summary:          "a file does not parse",
	Doc: `## Why

A file corslint cannot read is a file it cannot check, and usually one the server refuses too.
The finding gives the exact position and what was expected; the other files are still linted.
It cannot be suppressed.

## Bad

` + "```nginx" + `
server {
    location / {
        add_header X-A 1;
}
` + "```" + `

## Good

` + "```nginx" + `
server {
    location / {
        add_header X-A 1;
    }
}
` + "```" + `
`,
}}

var unusedSuppression = &Rule{Meta: Meta{
	ID: "CORS002", Slug: "unused-suppression", Severity: findings.Warning, Diagnostic: true,
	SecuritySeverity: "0.0",
	Summary:          "an ignore comment that suppresses nothing",
	Doc: `## Why

An ignore comment that no longer matches a finding hides the next real one that appears on that
line. Remove it.

An ignore that cannot work is reported here too, and suppresses nothing until it is fixed: one
without a reason after ` + "` -- `" + `, one naming an unknown rule or directive, and one naming CORS001 (parse
errors cannot be suppressed) or CORS002 itself (turn it off in ` + "`.corslint.yaml`" + ` instead). An
ignore of a rule that did not run (turned off, or left out by ` + "`--enable`" + `) is not judged.

## Bad

` + "```nginx" + `
# corslint:ignore CORS101 -- partner API, reviewed
add_header Access-Control-Allow-Origin https://app.example.com always;

# corslint:ignore CORS101
add_header Access-Control-Allow-Origin $http_origin always;
` + "```" + `

## Good

` + "```nginx" + `
add_header Access-Control-Allow-Origin https://app.example.com always;

# corslint:ignore CORS101 -- public read-only data, requested without cookies
add_header Access-Control-Allow-Origin $http_origin always;
` + "```" + `
`,
}}

var includeNotFound = &Rule{Meta: Meta{
	ID: "CORS003", Slug: "include-not-found", Severity: findings.Note, Diagnostic: true,
	SecuritySeverity: "0.0",
	Summary:          "an include that matches no file",
	Doc: `## Why

Headers defined in an include corslint cannot read (missing, outside the linted tree, a template
expression) are not checked. It is reported where that can change the CORS result: the include's
name speaks of CORS or origins, or it sits in a block that receives CORS headers from an enclosing
one (in nginx, one ` + "`add_header`" + ` of its own drops them). It is a note, one per include statement, and does not
fail a run by default: repositories commonly leave out files that deployment
generates or installs (Puppet and Ansible templates, ` + "`/etc/nginx/mime.types`" + `, snippets of a
base image), and the server only refuses to start if the file is still missing there. Pass
` + "`--fail-on note`" + ` to fail on it. An absolute include outside the linted tree is not read (pass
` + "`--allow-outside-root`" + ` to read it).

## Bad

` + "```nginx" + `
include snippets/cors.conf;   # no such file
` + "```" + `

## Good

` + "```nginx" + `
include snippets/cors.conf;   # exists beside this file or under --include-root
` + "```" + `
`,
}}

// All returns every rule, in ID order. The slice is built on each call so
// callers may filter it freely.
func All() []*Rule {
	return []*Rule{
		parseError,
		unusedSuppression,
		includeNotFound,
		reflectedOrigin,
		permissiveOriginPattern,
		nullOriginAllowed,
		insecureOrigin,
		invalidOriginValue,
		untrustedOrigin,
		deadOriginAllowlist,
		wildcardWithCredentials,
		invalidCredentialsValue,
		wildcardIgnoredWithCredentials,
		preflightMissingAllowMethods,
		preflightMissingAllowHeaders,
		preflightNotHandled,
		missingAlways,
		headerInheritanceLoss,
		maxAgeExcessive,
		invalidToken,
		sectionNeverMatches,
		preflightMissingAllowOrigin,
		headerValueLineBreak,
		missingVaryOrigin,
		varyOverwritten,
		cacheKeyMissingOrigin,
		duplicateCORSHeader,
		doubleLayerCORS,
		samCORSUnquoted,
		lambdaProxyMissingCORS,
		clientRequestBlocked,
	}
}

// Lookup finds a rule by ID or slug, case-insensitively.
func Lookup(rs []*Rule, name string) (*Rule, error) {
	for _, r := range rs {
		if strings.EqualFold(r.ID, name) || strings.EqualFold(r.Slug, name) {
			return r, nil
		}
	}
	return nil, fmt.Errorf("unknown rule %q (see corslint rules)", name)
}
