package cli

import (
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/parsers/vcl"
)

// parseVCL reads one VCL file, or the VCL a varnishtest file embeds, into
// the model. A varnishtest file without VCL of its own is skipped.
func parseVCL(path string, src []byte, root string, o *lintOptions) *model.File {
	cfg := vcl.Parse(path, src, vcl.Options{Root: root, AllowOutsideRoot: o.allowOutsideRoot, MaxFileSize: o.maxFileSize})
	if vcl.IsVTC(path) && !cfg.Embedded && len(cfg.Diagnostics) == 0 {
		return nil
	}
	return vcl.Lower(cfg)
}
