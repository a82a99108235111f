package vcl

import "strings"

// embeddedVCL returns the VCL of a varnishtest (.vtc) file: the bodies of
// `varnish NAME -vcl {...}` and `-vcl+backend {...}`, with everything else
// blanked out so that lines and columns stay those of the .vtc file.
// `-errvcl` bodies are meant not to compile and are left out. ok is false
// when the file holds no VCL.
func embeddedVCL(src []byte) (out []byte, ok bool) {
	s := string(src)
	buf := make([]byte, len(src))
	for i, c := range src {
		if c == '\n' || c == '\r' {
			buf[i] = c
		} else {
			buf[i] = ' '
		}
	}
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "-vcl")
		if j < 0 {
			break
		}
		j += i
		k := j + len("-vcl")
		if strings.HasPrefix(s[k:], "+backend") {
			k += len("+backend")
		}
		if j > 0 && !isVTCSpace(s[j-1]) || k < len(s) && !isVTCSpace(s[k]) {
			i = k
			continue
		}
		for k < len(s) && isVTCSpace(s[k]) {
			k++
		}
		if k >= len(s) || s[k] != '{' {
			i = k
			continue
		}
		end := matchBrace(s, k)
		if end < 0 {
			end = len(s)
		}
		copy(buf[k+1:end], src[k+1:end])
		ok = true
		i = end
	}
	return buf, ok
}

func isVTCSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// matchBrace returns the offset of the '}' closing the '{' at i, counting
// nested braces the way varnishtest does, or -1.
func matchBrace(s string, i int) int {
	n := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '{':
			n++
		case '}':
			if n--; n == 0 {
				return j
			}
		}
	}
	return -1
}
