package model

import "bytes"

// Lines finds the lines of a source text in constant time, after one pass
// to record where each line starts.
type Lines struct {
	src    []byte
	starts []int
}

// NewLines indexes src.
func NewLines(src []byte) *Lines {
	starts := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &Lines{src: src, starts: starts}
}

// Start returns the byte offset where line n (1-based) starts, or -1.
func (l *Lines) Start(n int) int {
	if n < 1 || n > len(l.starts) {
		return -1
	}
	return l.starts[n-1]
}

// Line returns line n (1-based) without its line ending, or "".
func (l *Lines) Line(n int) string {
	start := l.Start(n)
	if start < 0 {
		return ""
	}
	end := len(l.src)
	if n < len(l.starts) {
		end = l.starts[n] - 1
	}
	return string(bytes.TrimRight(l.src[start:end], "\r"))
}
