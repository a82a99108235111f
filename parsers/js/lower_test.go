package js

import (
	"testing"

	"github.com/corslint/corslint/model"
)

func lowerSrc(t *testing.T, name, src string) *model.File {
	t.Helper()
	if available != "" {
		t.Skip(available)
	}
	return Lower(Parse(name, []byte(src)))
}

// acao returns the Access-Control-Allow-Origin statements of f.
func acao(f *model.File) []*model.HeaderOp {
	var out []*model.HeaderOp
	for _, h := range f.Headers {
		if h.Name == model.ACAO {
			out = append(out, h)
		}
	}
	return out
}

func TestExpressCorsOriginTrue(t *testing.T) {
	f := lowerSrc(t, "app.js", `const express = require('express');
const cors = require('cors');
const app = express();
app.use(cors({ origin: true, credentials: true }));
app.get('/api', (req, res) => res.json({}));
`)
	hs := acao(f)
	if len(hs) != 1 {
		t.Fatalf("got %d ACAO statements, want 1", len(hs))
	}
	h := hs[0]
	if h.Value.Kind != model.Reflected || len(h.Value.Guards) != 0 {
		t.Errorf("origin: true lowered to %v with %d guards, want an unguarded reflection", h.Value.Kind, len(h.Value.Guards))
	}
	if h.Span.Line != 4 || h.Span.Col != 16 {
		t.Errorf("span %v, want 4:16 (the origin property)", h.Span)
	}
	var pre, get *model.Response
	for _, r := range f.Responses {
		switch {
		case r.IsPreflightAnswer():
			pre = r
		case r.ForMethod("GET"):
			get = r
		}
	}
	if pre == nil || pre.Status != 204 || pre.Source != model.FromServer {
		t.Fatalf("preflight answer %+v, want cors's 204", pre)
	}
	if get == nil || len(get.Ops(model.ACAC)) != 1 || len(get.Ops(model.ACAM)) != 0 {
		t.Fatalf("GET response %+v, want ACAC and no ACAM", get)
	}
	if len(pre.Ops(model.ACAM)) != 1 || pre.Ops(model.ACAM)[0].Value.Text != "GET,HEAD,PUT,PATCH,POST,DELETE" {
		t.Errorf("preflight methods %+v, want cors's default list", pre.Ops(model.ACAM))
	}
}
