package cli

import (
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/parsers/sam"
)

// parseSAM reads one SAM or CloudFormation template (YAML or JSON) into
// the model. YAML that is not a template is not corslint's: nil skips it.
func parseSAM(path string, src []byte, root string, o *lintOptions) *model.File {
	t := sam.Parse(path, src, sam.Options{Root: root, AllowOutsideRoot: o.allowOutsideRoot})
	if t == nil {
		return nil
	}
	return sam.Lower(t)
}
