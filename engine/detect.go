package engine

import (
	"fmt"

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

// recognise picks the dialect of a file (its index in ds, -1 for none) from its path and head, or says
// why it is none. A walked file must be recognised with confidence; a
// file named on the command line may be a Possible one. Signs of a format
// corslint does not read (a Caddyfile, HAProxy, JavaScript, YAML that is
// no template) win over content guesses they outnumber, so that such a
// file is skipped rather than read as nginx and reported as a flood of
// parse errors.
func recognise(ds []dialect.Dialect, path string, head []byte, explicit bool) (int, string) {
	best := -1
	var score dialect.Score
	for i, d := range ds {
		s := d.Detect(path, head)
		if s.Confidence > score.Confidence || s.Confidence == score.Confidence && s.Weight > score.Weight {
			best, score = i, s
		}
	}
	if score.Confidence == dialect.Certain {
		return best, ""
	}
	foreign := dialect.SniffForeign(path, head)
	switch {
	case foreign.Reason != "":
		return -1, foreign.Reason
	case foreign.ByName:
		return -1, "named like " + foreign.Format
	case dialect.IsBinary(head):
		return -1, "binary file"
	}
	need := dialect.Likely
	if explicit {
		need = dialect.Possible
	}
	if score.Confidence >= need {
		switch {
		case foreign.Lines > score.Weight:
			return -1, fmt.Sprintf("%d lines read like %s, more than the %d that read like %s", foreign.Lines, foreign.Format, score.Weight, ds[best].Name())
		case score.Confidence == dialect.Possible && foreign.Lines > 0:
			return -1, fmt.Sprintf("%d lines read like %s", foreign.Lines, foreign.Format)
		}
		return best, ""
	}
	if foreign.Lines > 0 {
		return -1, fmt.Sprintf("%d lines read like %s", foreign.Lines, foreign.Format)
	}
	if score.Confidence == dialect.Possible {
		return -1, fmt.Sprintf("it has statements of %s but is not named like a configuration (name it on the command line to lint it)", ds[best].Name())
	}
	return -1, fmt.Sprintf("no statement of %s in its first %d KiB", dialectNames(ds), dialect.HeadSize>>10)
}
