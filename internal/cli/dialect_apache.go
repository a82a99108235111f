package cli

import "github.com/corslint/corslint/model"

// parseApache reads one apache file into the model; nil until the apache parser is
// wired in, which makes the file unsupported rather than wrong.
func parseApache(path string, src []byte, root string, o *lintOptions) *model.File {
	return nil
}

// linkApache combines .htaccess files with the vhosts of the same run that
// cover their directories; until then each file stands alone.
func linkApache(files []*model.File) []*model.File { return files }
