package apache

import (
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/model"
)

// Dialect is Apache httpd for the lint engine.
type Dialect struct{}

var (
	_ dialect.Linker    = Dialect{}
	_ dialect.Including = Dialect{}
)

// Name implements dialect.Dialect.
func (Dialect) Name() model.Dialect { return model.Apache }

// Detect implements dialect.Dialect: .htaccess, httpd.conf and
// apache2.conf by name; otherwise statements that begin lines the way
// httpd's do, in a file named like a server configuration.
func (Dialect) Detect(path string, head []byte) dialect.Score {
	name := dialect.BaseName(path)
	ext := filepath.Ext(name)
	switch {
	case ext == ".htaccess" || name == "httpd.conf" || name == "apache2.conf":
		return dialect.Score{Confidence: dialect.Certain}
	case ext == ".yaml" || ext == ".yml" || ext == ".json":
		return dialect.Score{}
	}
	fits := dialect.ServerConfName(path)
	if head == nil {
		if fits {
			return dialect.Score{Confidence: dialect.Likely}
		}
		return dialect.Score{Confidence: dialect.Possible}
	}
	n := dialect.CountStarts(head, 8, statementAt)
	switch {
	case n == 0:
		return dialect.Score{}
	case fits:
		return dialect.Score{Confidence: dialect.Likely, Weight: n}
	}
	return dialect.Score{Confidence: dialect.Possible, Weight: n}
}

// IncludesOthers implements dialect.Including.
func (Dialect) IncludesOthers(path string) bool {
	name := dialect.BaseName(path)
	return name == "httpd.conf" || name == "apache2.conf"
}

// Parse implements dialect.Dialect. Relative includes and DocumentRoots
// resolve against BaseDir (httpd's ServerRoot, --include-root apache=DIR), by default
// the file's directory, unless a ServerRoot directive inside the linted
// root says otherwise. The parsed tree is kept for Link.
func (Dialect) Parse(path string, src []byte, o *dialect.Options) (dialect.Parsed, bool) {
	serverRoot := o.BaseDir[model.Apache]
	if serverRoot != "" {
		if abs, err := filepath.Abs(serverRoot); err == nil {
			serverRoot = abs
		}
	}
	opts := Options{ServerRoot: serverRoot, Root: o.Root, AllowOutsideRoot: o.AllowOutsideRoot, MaxFileSize: o.MaxFileSize, FS: o.FS}
	cfg := Parse(path, src, opts)
	return dialect.Parsed{File: Lower(cfg), Tree: cfg}, true
}

// Advice implements dialect.Dialect.
func (Dialect) Advice() model.Advice { return advice{} }

// Link implements dialect.Linker: each .htaccess is lowered together with
// the configurations of the same run whose servers read it (its folder
// lies under their DocumentRoot or a <Directory> whose AllowOverride lets
// it set headers), so that CORS501 and CORS502 see the vhost's and the
// .htaccess's headers on the same responses. The combined model replaces
// the server's file and the .htaccess no longer stands alone (nil in its
// place); every finding keeps its own file and position.
//
// Which servers read which .htaccess is found from the sections alone,
// and only those servers are lowered again, from the trees Parse kept.
func (Dialect) Link(files []dialect.Parsed, jobs int) []*model.File {
	var hts []*Htaccess
	var htFiles []*model.File
	var htIdx []int // index in files of each .htaccess
	var servers []int
	for i, p := range files {
		cfg, ok := p.Tree.(*Config)
		if !ok {
			continue
		}
		if filepath.Base(p.File.Path) == ".htaccess" {
			hts = append(hts, &Htaccess{Config: cfg, Dir: absDir(p.File.Path)})
			htFiles = append(htFiles, p.File)
			htIdx = append(htIdx, i)
		} else {
			servers = append(servers, i)
		}
	}
	out := make([]*model.File, len(files))
	for i, p := range files {
		out[i] = p.File
	}
	if len(hts) == 0 || len(servers) == 0 {
		return out
	}
	byHt := make(map[*Htaccess]int, len(hts)) // index in hts
	list := make([]string, len(hts))
	for k, h := range hts {
		byHt[h] = k
		list[k] = h.Dir
	}
	dirs := newDirIndex(list)
	linked := make([]bool, len(hts))
	var mu sync.Mutex
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(jobs, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				orig := files[i].File
				cfg := files[i].Tree.(*Config)
				var read []*Htaccess
				for _, k := range readBy(cfg, dirs) {
					read = append(read, hts[k])
				}
				if len(read) == 0 {
					continue
				}
				lf, used := LowerWith(cfg, read)
				if len(used) == 0 {
					continue
				}
				// Diagnostics and comments as each file's own lowering
				// found them.
				lf.Diagnostics = append([]model.Diagnostic(nil), orig.Diagnostics...)
				lf.Comments = append([]model.Comment(nil), orig.Comments...)
				mu.Lock()
				for _, h := range used {
					k := byHt[h]
					lf.Diagnostics = append(lf.Diagnostics, htFiles[k].Diagnostics...)
					lf.Comments = append(lf.Comments, htFiles[k].Comments...)
					linked[k] = true
				}
				mu.Unlock()
				out[i] = lf
			}
		}()
	}
	for _, i := range servers {
		work <- i
	}
	close(work)
	wg.Wait()
	for k, l := range linked {
		if l {
			out[htIdx[k]] = nil
		}
	}
	return out
}

// Linking implements dialect.Linker: a .htaccess waits, and so does a
// configuration whose servers read one of the run's .htaccess files.
func (Dialect) Linking(paths []string) func(dialect.Parsed) bool {
	var list []string
	for _, p := range paths {
		if filepath.Base(p) == ".htaccess" {
			list = append(list, absDir(p))
		}
	}
	dirs := newDirIndex(list)
	return func(p dialect.Parsed) bool {
		cfg, ok := p.Tree.(*Config)
		switch {
		case !ok || len(list) == 0:
			return false
		case filepath.Base(p.File.Path) == ".htaccess":
			return true
		}
		return len(readBy(cfg, dirs)) > 0
	}
}

// absDir is the absolute directory of path.
func absDir(path string) string {
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return filepath.Dir(path)
	}
	return dir
}

// readBy returns the indexes of the directories in which some server of
// cfg reads a .htaccess, judged from its sections without lowering its
// headers and routes.
func readBy(cfg *Config, dirs *dirIndex) []int {
	if strings.HasSuffix(filepath.Base(cfg.Path), ".htaccess") {
		return nil
	}
	l := newLowerer(cfg)
	main := l.build(cfg, false)
	srvs := l.servers(main)
	read := map[int]bool{}
	var out []int
	for _, srv := range srvs {
		roots := []string{srv.docroot}
		for _, d := range srv.dirs {
			if d.kind == "Directory" && !d.regex && d.path != "/" { // as readsHtaccess
				roots = append(roots, d.path)
			}
		}
		for _, root := range roots {
			if root == "" {
				continue
			}
			for _, k := range dirs.near(root) {
				if read[k] {
					continue
				}
				if _, ok := srv.readsHtaccess(dirs.dirs[k]); ok {
					read[k] = true
					out = append(out, k)
				}
			}
		}
	}
	sort.Ints(out)
	return out
}

// dirIndex finds, among the directories that hold a .htaccess, those a
// server path can cover: a directory under it, or one whose path holds it
// followed by a subpath (a repository that mirrors the server's
// filesystem). Either way every element of an absolute server path is an
// element of the directory, so only the directories that have its rarest
// element are compared.
type dirIndex struct {
	dirs  []string
	byElt map[string][]int
	all   []int
}

func newDirIndex(dirs []string) *dirIndex {
	x := &dirIndex{dirs: dirs, byElt: map[string][]int{}, all: make([]int, len(dirs))}
	for k, d := range dirs {
		x.all[k] = k
		seen := map[string]bool{}
		for _, e := range strings.Split(filepath.ToSlash(filepath.Clean(d)), "/") {
			if e != "" && !seen[e] {
				seen[e] = true
				x.byElt[e] = append(x.byElt[e], k)
			}
		}
	}
	return x
}

// near returns the indexes of the directories root may cover. A relative
// root or "/" may match anywhere: all of them.
func (x *dirIndex) near(root string) []int {
	root = filepath.ToSlash(filepath.Clean(root))
	if !strings.HasPrefix(root, "/") || root == "/" {
		return x.all
	}
	var best []int
	for i, e := range strings.Split(root[1:], "/") {
		ks := x.byElt[e]
		if len(ks) == 0 {
			return nil
		}
		if i == 0 || len(ks) < len(best) {
			best = ks
		}
	}
	return best
}

// statementAt matches, at i, the start of a statement only httpd writes.
// It implements by hand, for speed, what this expression does (the
// cross-check test holds them together):
//
//	(?mi)^\s*(?:<(?:VirtualHost|Directory|DirectoryMatch|Location|LocationMatch|Files|FilesMatch|IfModule|If)\b|Header\s+(?:always\s+|onsuccess\s+)?(?:set|append|add|merge|unset|echo|edit|setifempty)\s|RewriteEngine\s|SetEnvIf(?:NoCase)?\s)
func statementAt(src []byte, i int) int {
	if src[i] == '<' {
		w := dialect.WordAt(src, i+1)
		for _, s := range []string{"VirtualHost", "Directory", "DirectoryMatch", "Location", "LocationMatch", "Files", "FilesMatch", "IfModule", "If"} {
			if strings.EqualFold(w, s) {
				return i + 1 + len(w)
			}
		}
		return -1
	}
	w := dialect.WordAt(src, i)
	j := i + len(w)
	if !dialect.SpaceAt(src, j) {
		return -1
	}
	switch strings.ToLower(w) {
	case "rewriteengine", "setenvif", "setenvifnocase":
		return j + 1
	case "header":
		j = dialect.SkipSpace(src, j)
		v := strings.ToLower(dialect.WordAt(src, j))
		if (v == "always" || v == "onsuccess") && dialect.SpaceAt(src, j+len(v)) {
			j = dialect.SkipSpace(src, j+len(v))
			v = strings.ToLower(dialect.WordAt(src, j))
		}
		switch v {
		case "set", "append", "add", "merge", "unset", "echo", "edit", "setifempty":
			if dialect.SpaceAt(src, j+len(v)) {
				return j + len(v) + 1
			}
		}
	}
	return -1
}

// advice is Apache httpd's fix advice.
type advice struct{}

func (advice) Allowlist() string {
	return "echo it only when SetEnvIf Origin \"^https://app\\.example\\.com$\" CORS_ORIGIN=$0 matched, with Header always set Access-Control-Allow-Origin %{CORS_ORIGIN}e env=CORS_ORIGIN"
}

func (advice) VaryOrigin(*model.HeaderOp) string { return "add Header always merge Vary Origin" }

func (advice) VaryAppend(*model.HeaderOp) string { return "use Header merge Vary Origin" }

// CacheKey: the lowering models no httpd cache, so no finding quotes it
// yet; mod_cache keeps variants by the response's Vary.
func (advice) CacheKey() string {
	return "have the response say Vary: Origin (Header always merge Vary Origin), which mod_cache keys its variants by"
}

func (advice) HideUpstream(*model.Upstream) string {
	return "add Header unset Access-Control-Allow-Origin (without always), which drops the upstream's while Header always set keeps yours on every status"
}

// AnswerOptions: a server-context RewriteRule answers before
// authentication and before the request is proxied.
func (advice) AnswerOptions(string) string {
	return "answer OPTIONS in the virtual host with RewriteCond %{REQUEST_METHOD} OPTIONS and RewriteRule ^ - [R=204,L], the CORS headers set with always"
}

func (advice) Always() string { return "use Header always set" }

func (advice) AllowHeaders(*model.Scope) string {
	return "add Access-Control-Allow-Headers \"Content-Type, Authorization\" here"
}
