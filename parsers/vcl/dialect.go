package vcl

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/model"
)

// Dialect is Varnish VCL for the lint engine.
type Dialect struct{}

var _ dialect.Fronting = Dialect{}

// Name implements dialect.Dialect.
func (Dialect) Name() model.Dialect { return model.VCL }

// vclWeight puts a VCL statement above any count of nginx or Apache ones:
// "vcl 4.1;" or "sub vcl_recv {" begins no line of theirs.
const vclWeight = 100

// Detect implements dialect.Dialect: .vcl and varnishtest's .vtc by
// name; otherwise a VCL statement beginning a line of a file named like a
// server configuration, or Fastly's VCL that parses cleanly in a file whose
// name has no extension (a snippet kept as cors.tftpl).
func (Dialect) Detect(path string, head []byte) dialect.Score {
	switch filepath.Ext(dialect.BaseName(path)) {
	case ".vcl", ".vtc": // varnishtest files embed VCL
		return dialect.Score{Confidence: dialect.Certain}
	case ".yaml", ".yml", ".json":
		return dialect.Score{}
	}
	fits := dialect.ServerConfName(path)
	if head == nil {
		if fits {
			return dialect.Score{Confidence: dialect.Likely}
		}
		return dialect.Score{Confidence: dialect.Possible}
	}
	if dialect.CountStarts(head, 1, statementAt) == 0 {
		if filepath.Ext(dialect.BaseName(path)) == "" && IsFastly(path, head) {
			// a Fastly snippet under a name that says nothing (cors.tftpl):
			// Fastly's syntax that parses without an error
			return dialect.Score{Confidence: dialect.Likely, Weight: vclWeight}
		}
		return dialect.Score{}
	}
	if fits {
		return dialect.Score{Confidence: dialect.Likely, Weight: vclWeight}
	}
	return dialect.Score{Confidence: dialect.Possible, Weight: vclWeight}
}

// Fronts implements dialect.Fronting: Varnish caches the servers
// configured beside it.
func (Dialect) Fronts() bool { return true }

// Parse implements dialect.Dialect. A varnishtest file without VCL of
// its own is not Varnish's to lint.
func (Dialect) Parse(path string, src []byte, o *dialect.Options) (dialect.Parsed, bool) {
	opts := Options{Root: o.Root, AllowOutsideRoot: o.AllowOutsideRoot, MaxFileSize: o.MaxFileSize, FS: o.FS}
	cfg := Parse(path, src, opts)
	if IsVTC(path) && !cfg.Embedded && len(cfg.Diagnostics) == 0 {
		return dialect.Parsed{}, false
	}
	return dialect.Parsed{File: Lower(cfg)}, true
}

// Advice implements dialect.Dialect.
func (Dialect) Advice() model.Advice { return advice{} }

// statementAt matches, at i, the start of a statement only VCL writes.
// It implements by hand, for speed, what this expression does (the
// cross-check test holds them together):
//
//	(?m)^\s*(?:vcl\s+4\.[01]\s*;|sub\s+vcl_\w+\s*\{|backend\s+\w+\s*\{)
func statementAt(src []byte, i int) int {
	w := dialect.WordAt(src, i)
	j := i + len(w)
	if !dialect.SpaceAt(src, j) {
		return -1
	}
	j = dialect.SkipSpace(src, j)
	switch w {
	case "vcl":
		if j+2 < len(src) && src[j] == '4' && src[j+1] == '.' && (src[j+2] == '0' || src[j+2] == '1') {
			if k := dialect.SkipSpace(src, j+3); k < len(src) && src[k] == ';' {
				return k + 1
			}
		}
	case "sub", "backend":
		name := dialect.WordAt(src, j)
		if w == "sub" && (!strings.HasPrefix(name, "vcl_") || len(name) == len("vcl_")) || name == "" {
			return -1
		}
		if k := dialect.SkipSpace(src, j+len(name)); k < len(src) && src[k] == '{' {
			return k + 1
		}
	}
	return -1
}

// advice is Varnish's fix advice.
type advice struct{}

func (advice) Allowlist() string {
	return "set it only inside if (req.http.Origin ~ \"^https://app\\.example\\.com$\")"
}

func (advice) VaryOrigin(op *model.HeaderOp) string {
	if op.Stored {
		return "append Origin to beresp.http.Vary in vcl_backend_response, so Varnish's cache varies too: if (beresp.http.Vary) { set beresp.http.Vary = beresp.http.Vary + \", Origin\"; } else { set beresp.http.Vary = \"Origin\"; }"
	}
	return "append Origin to resp.http.Vary where the header is set: if (resp.http.Vary) { set resp.http.Vary = resp.http.Vary + \", Origin\"; } else { set resp.http.Vary = \"Origin\"; }"
}

func (advice) VaryAppend(op *model.HeaderOp) string {
	obj := "resp"
	if strings.Contains(op.Raw, "beresp.") {
		obj = "beresp"
	}
	return fmt.Sprintf("append: if (%[1]s.http.Vary) { set %[1]s.http.Vary = %[1]s.http.Vary + \", Origin\"; } else { set %[1]s.http.Vary = \"Origin\"; }", obj)
}

func (advice) CacheKey() string {
	return "add hash_data(req.http.Origin) in vcl_hash, or set Vary: Origin on beresp in vcl_backend_response"
}

func (advice) HideUpstream(*model.Upstream) string {
	return fmt.Sprintf("use set resp.http.%s = ..., which replaces the backend's value, instead of adding a line", model.ACAO)
}

func (advice) AnswerOptions(generic string) string { return generic }

func (advice) Always() string {
	return "return (synth(...)) skips vcl_deliver: set it in vcl_synth too, e.g. from a sub that both call"
}

func (advice) AllowHeaders(*model.Scope) string {
	return "add Access-Control-Allow-Headers \"Content-Type, Authorization\" here"
}
