package findings

import (
	"testing"

	"github.com/corslint/corslint/model"
)

func TestRelativeMessages(t *testing.T) {
	fs := []Finding{
		{Message: "sent twice (first at /w/repo/conf/a.conf:4:5); keep one", Span: model.Span{File: "/w/repo/conf/b.conf", Line: 5},
			Related: []Related{{Message: "first", Span: model.Span{File: "/w/repo/conf/a.conf", Line: 4}}}},
		{Message: "upstream at /etc/nginx/x.conf:1:1", Span: model.Span{File: "/w/repo/c.conf"},
			Related: []Related{{Message: "other", Span: model.Span{File: "/etc/nginx/x.conf"}}}},
	}
	RelativeMessages(fs, "/w/repo")
	if got, want := fs[0].Message, "sent twice (first at conf/a.conf:4:5); keep one"; got != want {
		t.Errorf("inside the root: got %q, want %q", got, want)
	}
	// A file outside the root is printed absolute in positions too.
	if got, want := fs[1].Message, "upstream at /etc/nginx/x.conf:1:1"; got != want {
		t.Errorf("outside the root: got %q, want %q", got, want)
	}
}
