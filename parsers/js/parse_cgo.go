//go:build cgo

package js

/*
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>

// The few declarations of tree-sitter's api.h this file uses; the
// library itself is compiled into github.com/smacker/go-tree-sitter.
typedef struct TSLanguage TSLanguage;
typedef struct TSParser TSParser;
typedef struct TSTree TSTree;
typedef struct { uint32_t row, column; } TSPoint;
typedef struct { uint32_t context[4]; const void *id; const TSTree *tree; } TSNode;
typedef struct { const void *tree; const void *id; uint32_t context[3]; } TSTreeCursor;
TSParser *ts_parser_new(void);
void ts_parser_delete(TSParser *);
bool ts_parser_set_language(TSParser *, const TSLanguage *);
TSTree *ts_parser_parse_string(TSParser *, const TSTree *, const char *, uint32_t);
void ts_tree_delete(TSTree *);
TSNode ts_tree_root_node(const TSTree *);
TSTreeCursor ts_tree_cursor_new(TSNode);
void ts_tree_cursor_delete(TSTreeCursor *);
bool ts_tree_cursor_goto_first_child(TSTreeCursor *);
bool ts_tree_cursor_goto_next_sibling(TSTreeCursor *);
bool ts_tree_cursor_goto_parent(TSTreeCursor *);
TSNode ts_tree_cursor_current_node(const TSTreeCursor *);
uint16_t ts_tree_cursor_current_field_id(const TSTreeCursor *);
uint16_t ts_node_symbol(TSNode);
uint32_t ts_node_start_byte(TSNode);
uint32_t ts_node_end_byte(TSNode);
TSPoint ts_node_start_point(TSNode);
TSPoint ts_node_end_point(TSNode);
bool ts_node_is_named(TSNode);
bool ts_node_is_missing(TSNode);
bool ts_node_is_error(TSNode);
const char *ts_language_symbol_name(const TSLanguage *, uint16_t);
const char *ts_language_field_name_for_id(const TSLanguage *, uint16_t);
const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_typescript(void);
const TSLanguage *tree_sitter_tsx(void);

// rec is one kept node, in pre-order, with its depth.
typedef struct {
	uint16_t sym, field;
	uint32_t depth, flags;
	uint32_t sb, eb, sr, sc, er, ec;
} rec;

static void put(rec **out, size_t *n, size_t *cap, TSNode node, uint16_t field, uint32_t depth) {
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 4096;
		rec *grown = realloc(*out, c * sizeof(rec));
		if (!grown) return;
		*out = grown;
		*cap = c;
	}
	TSPoint s = ts_node_start_point(node), e = ts_node_end_point(node);
	rec r = {ts_node_symbol(node), field, depth,
		(ts_node_is_error(node) ? 1u : 0u) | (ts_node_is_missing(node) ? 1u : 0u),
		ts_node_start_byte(node), ts_node_end_byte(node), s.row, s.column, e.row, e.column};
	(*out)[(*n)++] = r;
}

// walk parses src and lists the named nodes (and the anonymous ones with
// a field name) in pre-order, all in C, so that a file costs a handful
// of calls across cgo rather than several per node. *out is malloc'd;
// the caller frees it. It returns -1 when tree-sitter gives no tree.
static long walk(const TSLanguage *lang, const char *src, uint32_t len, rec **out) {
	TSParser *p = ts_parser_new();
	ts_parser_set_language(p, lang);
	TSTree *tree = ts_parser_parse_string(p, NULL, src, len);
	ts_parser_delete(p);
	if (!tree) return -1;
	size_t n = 0, cap = 0;
	*out = NULL;
	TSNode root = ts_tree_root_node(tree);
	put(out, &n, &cap, root, 0, 0);
	TSTreeCursor c = ts_tree_cursor_new(root);
	uint32_t depth = 0;
	if (ts_tree_cursor_goto_first_child(&c)) {
		depth = 1;
		for (;;) {
			TSNode node = ts_tree_cursor_current_node(&c);
			uint16_t field = ts_tree_cursor_current_field_id(&c);
			bool kept = ts_node_is_named(node) || field != 0 || ts_node_is_missing(node);
			if (kept) put(out, &n, &cap, node, field, depth);
			if (kept && ts_tree_cursor_goto_first_child(&c)) {
				depth++;
				continue;
			}
			bool done = false;
			while (!ts_tree_cursor_goto_next_sibling(&c)) {
				if (!ts_tree_cursor_goto_parent(&c) || --depth == 0) {
					done = true;
					break;
				}
			}
			if (done) break;
		}
	}
	ts_tree_cursor_delete(&c);
	ts_tree_delete(tree);
	return (long)n;
}
*/
import "C"

import (
	"fmt"
	"unsafe"

	// The grammars' and the library's C code, linked in for the
	// declarations above.
	_ "github.com/smacker/go-tree-sitter"
	_ "github.com/smacker/go-tree-sitter/javascript"
	_ "github.com/smacker/go-tree-sitter/typescript/tsx"
	_ "github.com/smacker/go-tree-sitter/typescript/typescript"
)

// available is empty: this build reads JavaScript and TypeScript.
const available = ""

// parseSyntax parses src with the grammar its file name calls for and
// returns the tree as Nodes; the tree-sitter tree is freed before it
// returns.
func parseSyntax(path string, src []byte) (*Node, bool, error) {
	lang, ts := C.tree_sitter_javascript(), false
	switch grammarOf(path) {
	case grammarTS:
		lang, ts = C.tree_sitter_typescript(), true
	case grammarTSX:
		lang, ts = C.tree_sitter_tsx(), true
	}
	if len(src) >= 1<<32-1 {
		return nil, ts, fmt.Errorf("parsing %s: file too large for the parser", path)
	}
	var csrc *C.char
	if len(src) > 0 {
		csrc = (*C.char)(C.CBytes(src))
		defer C.free(unsafe.Pointer(csrc))
	}
	var out *C.rec
	dst := &out
	n := C.walk(lang, csrc, C.uint32_t(len(src)), dst)
	if out != nil {
		defer C.free(unsafe.Pointer(out))
	}
	if n <= 0 || out == nil {
		return nil, ts, fmt.Errorf("parsing %s: tree-sitter gave no syntax tree", path)
	}
	recs := unsafe.Slice(out, int(n))
	syms := map[C.uint16_t]string{}
	fields := map[C.uint16_t]string{}
	name := func(sym C.uint16_t) string {
		s, ok := syms[sym]
		if !ok {
			s = C.GoString(C.ts_language_symbol_name(lang, sym))
			syms[sym] = s
		}
		return s
	}
	field := func(f C.uint16_t) string {
		if f == 0 {
			return ""
		}
		s, ok := fields[f]
		if !ok {
			s = C.GoString(C.ts_language_field_name_for_id(lang, f))
			fields[f] = s
		}
		return s
	}
	nodes := make([]Node, len(recs))
	var stack []*Node
	for i := range recs {
		r := &recs[i]
		nd := &nodes[i]
		*nd = Node{
			Type: name(r.sym), Field: field(r.field),
			Start: int(r.sb), End: int(r.eb),
			Line: int(r.sr) + 1, Col: int(r.sc) + 1, EndLine: int(r.er) + 1, EndCol: int(r.ec) + 1,
			Error: r.flags != 0,
		}
		d := int(r.depth)
		if d > len(stack) {
			d = len(stack) // cannot happen in pre-order; keeps bad input safe
		}
		stack = stack[:d]
		if d > 0 {
			p := stack[d-1]
			p.Kids = append(p.Kids, nd)
		}
		stack = append(stack, nd)
	}
	return &nodes[0], ts, nil
}
