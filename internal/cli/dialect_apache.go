package cli

import (
	"path/filepath"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/parsers/apache"
	"github.com/corslint/corslint/source"
)

// parseApache reads one Apache httpd file (httpd.conf, a virtual host, a
// .htaccess) into the model. Relative includes and DocumentRoots resolve
// against --apache-root (httpd's ServerRoot), by default the file's
// directory, unless a ServerRoot directive inside the linted root says
// otherwise.
func parseApache(path string, src []byte, root string, o *lintOptions) *model.File {
	serverRoot := o.apacheRoot
	if serverRoot != "" {
		if abs, err := filepath.Abs(serverRoot); err == nil {
			serverRoot = abs
		}
	}
	cfg := apache.Parse(path, src, apache.Options{
		ServerRoot: serverRoot, Root: root, AllowOutsideRoot: o.allowOutsideRoot, MaxFileSize: o.maxFileSize,
	})
	return apache.Lower(cfg)
}

// linkApache lowers each .htaccess together with the configurations of the
// same run whose servers read it (its folder lies under their DocumentRoot
// or a <Directory> whose AllowOverride lets it set headers), so that
// CORS501 and CORS502 see the vhost's and the .htaccess's headers on the
// same responses. The combined model replaces the server's file and the
// .htaccess no longer stands alone; every finding keeps its own file and
// position. Files are re-read from the text kept in their models, so the
// result does not depend on the disk changing in between.
func linkApache(files []*model.File) []*model.File {
	var hts, servers []int
	for i, f := range files {
		if f == nil || f.Dialect != model.Apache {
			continue
		}
		if filepath.Base(f.Path) == ".htaccess" {
			hts = append(hts, i)
		} else {
			servers = append(servers, i)
		}
	}
	if len(hts) == 0 || len(servers) == 0 {
		return files
	}
	list := make([]*apache.Htaccess, len(hts))
	byHt := map[*apache.Htaccess]*model.File{}
	for k, i := range hts {
		dir, err := filepath.Abs(filepath.Dir(files[i].Path))
		if err != nil {
			dir = filepath.Dir(files[i].Path)
		}
		list[k] = &apache.Htaccess{Config: reparse(files[i]), Dir: dir}
		byHt[list[k]] = files[i]
	}
	linked := map[*model.File]bool{}
	for _, i := range servers {
		orig := files[i]
		lf, used := apache.LowerWith(reparse(orig), list)
		if len(used) == 0 {
			continue
		}
		// Diagnostics and comments as each file's own lowering found them.
		lf.Diagnostics = append([]model.Diagnostic(nil), orig.Diagnostics...)
		lf.Comments = append([]model.Comment(nil), orig.Comments...)
		for _, h := range used {
			hf := byHt[h]
			lf.Diagnostics = append(lf.Diagnostics, hf.Diagnostics...)
			lf.Comments = append(lf.Comments, hf.Comments...)
			linked[hf] = true
		}
		files[i] = lf
	}
	out := files[:0]
	for _, f := range files {
		if !linked[f] {
			out = append(out, f)
		}
	}
	return out
}

// reparse parses a file again from the sources its model kept.
func reparse(f *model.File) *apache.Config {
	return apache.Parse(f.Path, f.Sources[f.Path], apache.Options{
		ServerRoot: f.BaseDir,
		Root:       string(filepath.Separator),
		FS:         source.Map(f.Sources),
	})
}
