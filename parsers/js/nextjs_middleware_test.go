package js

import (
	"testing"

	"github.com/corslint/corslint/model"
)

func TestNextMiddleware(t *testing.T) {
	f := lowerSrc(t, "src/middleware.ts", `import { NextRequest, NextResponse } from 'next/server';

const allowed = ['https://app.example.com'];

export function middleware(request: NextRequest) {
  const origin = request.headers.get('origin') ?? '';
  if (request.method === 'OPTIONS') {
    return NextResponse.json({}, {
      headers: { ...(allowed.includes(origin) && { 'Access-Control-Allow-Origin': origin }), 'Access-Control-Allow-Methods': 'GET' },
    });
  }
  const response = NextResponse.next();
  response.headers.set('X-Frame-Options', 'DENY');
  return response;
}

export const config = { matcher: ['/api/:path*', '/admin'] };
`)
	var pre, next *model.Response
	for _, r := range f.Responses {
		switch r.Source {
		case model.FromServer:
			pre = r
		case model.FromHandler:
			next = r
		}
	}
	if pre == nil || next == nil {
		t.Fatalf("responses %v, want the preflight answer and NextResponse.next()", f.Responses)
	}
	ops := pre.Ops(model.ACAO)
	if len(ops) != 1 || ops[0].When == nil || ops[0].When.Origin == nil || ops[0].When.Negated {
		t.Fatalf("preflight ACAO %v, want one under the allowlist test of the spread", ops)
	}
	if ops[0].Span.Line != 9 {
		t.Errorf("ACAO at %v, want line 9", ops[0].Span)
	}
	if next.Status != 0 || len(next.Ops("X-Frame-Options")) != 1 {
		t.Errorf("NextResponse.next(): status %d, %d X-Frame-Options; want the app's status and the header", next.Status, len(next.Ops("X-Frame-Options")))
	}
	m := next.Route.Match
	if m == nil {
		t.Fatal("the matcher sets no paths")
	}
	for p, want := range map[string]bool{"/api": true, "/api/a/b": true, "/admin": true, "/admin/x": false, "/apix": false, "/": false} {
		if m.Matches(p) != want {
			t.Errorf("matcher takes %s: %v, want %v", p, !want, want)
		}
	}
}

func TestNextMiddlewareFileNames(t *testing.T) {
	for p, want := range map[string]bool{
		"middleware.ts": true, "src/middleware.js": true, "proxy.ts": true,
		"middleware.d.ts": false, "app/middleware/index.ts": false, "middleware.json": false,
	} {
		if got := isNextMiddleware(p); got != want {
			t.Errorf("isNextMiddleware(%q) = %v, want %v", p, got, want)
		}
	}
}
