// Package dialects is the registry of the configuration languages
// corslint reads: one line per dialect. Adding a dialect is its package
// (implementing dialect.Dialect) and one line here.
package dialects

import (
	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/parsers/apache"
	"github.com/corslint/corslint/parsers/js"
	"github.com/corslint/corslint/parsers/nginx"
	"github.com/corslint/corslint/parsers/sam"
	"github.com/corslint/corslint/parsers/vcl"
)

// All returns every dialect. On a tie in detection the earlier one wins.
func All() []dialect.Dialect {
	return []dialect.Dialect{
		nginx.Dialect{},
		apache.Dialect{},
		sam.Dialect{Code: js.LambdaReader{}},
		vcl.Dialect{},
		js.Dialect{},
	}
}
