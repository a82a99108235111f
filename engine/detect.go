package engine

import (
	"fmt"
	"strings"

	"github.com/corslint/corslint/dialect"
)

// mayBeConfig reports whether a walked file's name lets any dialect
// recognise it by content, so that sources, images and documents are
// never read.
func mayBeConfig(ds []dialect.Dialect, path string) bool {
	for _, d := range ds {
		if d.Detect(path, nil).Confidence >= dialect.Likely {
			return true
		}
	}
	return false
}

// recognise picks the dialect of a file from its path and head, or says
// why it is none. A walked file must be recognised with confidence; a
// file named on the command line may be a Possible one. Signs of a format
// corslint does not read (a Caddyfile, HAProxy, JavaScript, YAML that is
// no template) win over content guesses they outnumber, so that such a
// file is skipped rather than read as nginx and reported as a flood of
// parse errors.
func recognise(ds []dialect.Dialect, path string, head []byte, explicit bool) (dialect.Dialect, string) {
	var best dialect.Dialect
	var score dialect.Score
	for _, d := range ds {
		s := d.Detect(path, head)
		if s.Confidence > score.Confidence || s.Confidence == score.Confidence && s.Weight > score.Weight {
			best, score = d, s
		}
	}
	if score.Confidence == dialect.Certain {
		return best, ""
	}
	foreign := dialect.SniffForeign(path, head)
	switch {
	case foreign.ByName:
		return nil, "named like " + foreign.Format + ", which corslint does not read"
	case dialect.IsBinary(head):
		return nil, "binary file"
	}
	need := dialect.Likely
	if explicit {
		need = dialect.Possible
	}
	if score.Confidence >= need {
		switch {
		case foreign.Lines > score.Weight:
			return nil, fmt.Sprintf("%d lines read like %s, more than the %d that read like %s", foreign.Lines, foreign.Format, score.Weight, best.Name())
		case score.Confidence == dialect.Possible && foreign.Lines > 0:
			return nil, fmt.Sprintf("lines read like %s", foreign.Format)
		}
		return best, ""
	}
	if foreign.Lines > 0 {
		return nil, fmt.Sprintf("lines read like %s, which corslint does not read", foreign.Format)
	}
	if score.Confidence == dialect.Possible {
		return nil, fmt.Sprintf("it has statements of %s but is not named like a configuration (name it on the command line to lint it)", best.Name())
	}
	names := make([]string, len(ds))
	for i, d := range ds {
		names[i] = string(d.Name())
	}
	return nil, fmt.Sprintf("no statement of %s in its first %d KiB", strings.Join(names, ", "), dialect.HeadSize>>10)
}
