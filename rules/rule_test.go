package rules

import (
	"testing"

	"github.com/corslint/corslint/model"
)

func TestRunSkipsOtherDialects(t *testing.T) {
	ran := map[model.Dialect]int{}
	r := &Rule{Meta: Meta{ID: "CORS999", Dialects: []model.Dialect{model.Nginx}}, Run: func(p *Pass) { ran[p.File.Dialect]++ }}
	every := &Rule{Meta: Meta{ID: "CORS998"}, Run: func(p *Pass) { ran["every "+p.File.Dialect]++ }}
	for _, d := range []model.Dialect{model.Nginx, model.SAM} {
		f := &model.File{Path: "x", Dialect: d}
		Run(f, []*model.File{f}, []*Rule{r, every}, &Options{})
	}
	if ran[model.Nginx] != 1 || ran[model.SAM] != 0 {
		t.Errorf("an nginx rule ran %v", ran)
	}
	if ran["every nginx"] != 1 || ran["every sam"] != 1 {
		t.Errorf("a rule for every dialect ran %v", ran)
	}
}
