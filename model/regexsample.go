package model

import (
	"regexp/syntax"
	"strings"
)

// RegexSamples lists up to limit strings re accepts, preferring short ones,
// read from its syntax tree. anyChar stands for "." (rules sample "." there,
// most often an unescaped dot meant literally; the evaluator samples a
// letter).
func RegexSamples(re *syntax.Regexp, limit int, anyChar string) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{string(re.Rune)}
	case syntax.OpCharClass:
		return []string{string(classSample(re.Rune))}
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return []string{anyChar}
	case syntax.OpCapture, syntax.OpPlus:
		return RegexSamples(re.Sub[0], limit, anyChar)
	case syntax.OpStar, syntax.OpQuest:
		return []string{""}
	case syntax.OpRepeat:
		if re.Min == 0 {
			return []string{""}
		}
		one := RegexSamples(re.Sub[0], limit, anyChar)
		for i := range one {
			one[i] = strings.Repeat(one[i], re.Min)
		}
		return one
	case syntax.OpConcat:
		out := []string{""}
		for _, s := range re.Sub {
			next := RegexSamples(s, limit, anyChar)
			var comb []string
			for _, a := range out {
				for _, b := range next {
					if len(comb) < limit {
						comb = append(comb, a+b)
					}
				}
			}
			out = comb
		}
		return out
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			for _, x := range RegexSamples(s, limit, anyChar) {
				if len(out) < limit {
					out = append(out, x)
				}
			}
		}
		return out
	}
	return []string{""}
}

// classSample picks a character class's first letter-like member.
func classSample(rs []rune) rune {
	for i := 0; i+1 < len(rs); i += 2 {
		for _, want := range []rune{'a', 'x', '0'} {
			if rs[i] <= want && want <= rs[i+1] {
				return want
			}
		}
	}
	if len(rs) > 0 {
		return rs[0]
	}
	return 'a'
}
