package model

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// The two ways Instances computes the lines give the same lines in the
// same order, whichever statements the response has.
func TestFewInstancesAsIndexed(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ops := []Op{Add, Set, Append, Merge, Unset, SetIfEmpty}
	names := []string{ACAO, ACAC, "Vary"}
	tables := []string{"", "always", "onsuccess"}
	values := []Value{LiteralValue("https://a.example", Span{}), LiteralValue("*", Span{}), LiteralValue("", Span{}), {Kind: Reflected, Var: "$http_origin"}}
	for n := 0; n < 2000; n++ {
		r := &Response{}
		for k := rng.IntN(smallResponse + 1); k > 0; k-- {
			op := &HeaderOp{Op: ops[rng.IntN(len(ops))], Name: names[rng.IntN(len(names))], Table: tables[rng.IntN(len(tables))],
				Value: values[rng.IntN(len(values))], Delivery: Delivery(rng.IntN(4))}
			if rng.IntN(4) == 0 {
				op.Concat = "-"
			}
			r.Headers = append(r.Headers, op)
		}
		for _, status := range []int{200, 404, 500} {
			for _, from := range []Source{FromServer, FromUpstream, FromHandler} {
				var each []Instance
				for in := range r.EachInstance(status, from) {
					each = append(each, in)
				}
				got, want := r.Instances(status, from), r.indexedInstances(status, from)
				if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(each, want) {
					t.Fatalf("case %d, status %d from %v: few %+v, each %+v, indexed %+v", n, status, from, got, each, want)
				}
			}
		}
	}
}

func BenchmarkInstances(b *testing.B) {
	r := &Response{Headers: []*HeaderOp{
		{Op: Set, Name: ACAO, Value: Value{Kind: Reflected, Var: "$http_origin"}},
		{Op: Set, Name: ACAC, Value: LiteralValue("true", Span{})},
		{Op: Add, Name: "Vary", Value: LiteralValue("Origin", Span{})},
		{Op: Set, Name: ACAM, Value: LiteralValue("GET, POST", Span{}), Delivery: OnSuccessStatus},
	}}
	b.ReportAllocs()
	for b.Loop() {
		for in := range r.EachInstance(200, FromServer) {
			_ = in
		}
	}
}

func TestAllYieldsPossible(t *testing.T) {
	a, b := LiteralValue("https://a.example", Span{}), Value{Kind: Reflected, Var: "$http_origin"}
	for _, v := range []Value{a, b, {Kind: Variable, Options: []Value{a, {Kind: Variable, Options: []Value{b, a}}}}, {Kind: Variable}} {
		var got []Value
		for p := range v.All() {
			got = append(got, p)
		}
		if want := v.Possible(); !reflect.DeepEqual(got, want) {
			t.Errorf("All of %v gave %v, Possible %v", v.Kind, got, want)
		}
		n := 0
		for range v.All() {
			n++
			break
		}
		if n > 1 {
			t.Error("All went on after a break")
		}
	}
	if !(Value{Kind: Variable, Options: []Value{a, a}}).DependsOnOrigin() || a.DependsOnOrigin() || !b.DependsOnOrigin() {
		t.Error("DependsOnOrigin")
	}
}

func BenchmarkValueIs(b *testing.B) {
	v := LiteralValue("https://a.example", Span{})
	b.ReportAllocs()
	for b.Loop() {
		_ = v.Is(Reflected) || v.DependsOnOrigin()
	}
}
