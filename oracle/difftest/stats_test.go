package difftest

import (
	"strings"
	"testing"
)

func TestStatsPrint(t *testing.T) {
	s := NewStats()
	v := &Case{Server: Varnish, Top: []*Node{stmt("x", "varnish:vcl_hit")}}
	n := &Case{Server: Nginx, Top: []*Node{stmt("x", "nginx:return")}}
	p := Probe{Fams: []string{"origin:trusted"}}
	s.Add(v, p, Outcome{Kind: Agree})
	s.Add(v, p, Outcome{Kind: Disagree})
	s.Add(n, p, Outcome{Kind: Undecidable, Reason: "the condition at /etc/x is taken as false"})
	if got := s.Total(); got != (Tally{1, 1, 1}) {
		t.Fatalf("total = %v", got)
	}
	var b strings.Builder
	s.Print(&b)
	out := b.String()
	for _, want := range []string{
		"all origin:trusted                             3 probes  agree  33.33%  undecidable 33.33%  disagree 33.33%",
		"varnish varnish:vcl_hit                        2 probes  agree  50.00%",
		"nginx undecidable x1: the condition at … is taken as false",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no line %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "all varnish:vcl_hit") {
		t.Errorf("a server's own family is summed over servers:\n%s", out)
	}
}
