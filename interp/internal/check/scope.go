package check

import (
	"sort"

	"github.com/expr-lang/expr/ast"

	"github.com/reportsh/reportsh/internal/names"
	"github.com/reportsh/reportsh/runtime/value"
)

// scope is what an expression may refer to.
type scope struct {
	what  string                // "where clause", "footer", … for messages
	names map[string]value.Kind // fields, params, lets; in a band, its keys
	// params are the parameters, which a band sees besides its keys: one
	// map shared by every band rather than a copy in each (a script with
	// many params and groups would otherwise check in quadratic time).
	params  map[string]value.Kind
	records map[string]*value.Schema // record-valued names (lookups)
	aggs    aggPolicy
	// inner, set in group and report bands, is the scope of aggregate
	// arguments (the record scope): outside them a band sees only its
	// names (keys) and the params.
	inner *scope
	// page marks a page band's scope: a name it does not know is an
	// error that says what a page band may use.
	page bool
}

// lookup returns the kind of a non-record name in sc.
func (sc *scope) lookup(name string) (value.Kind, bool) {
	if k, ok := sc.names[name]; ok {
		return k, true
	}
	k, ok := sc.params[name]
	return k, ok
}

// sorted returns the names sc knows, records included, sorted.
func (sc *scope) sorted() []string {
	out := sc.all()
	sort.Strings(out)
	return out
}

// all returns the names sc knows, records included, in no order.
func (sc *scope) all() []string {
	out := make([]string, 0, len(sc.names)+len(sc.params)+len(sc.records))
	for k := range sc.names {
		out = append(out, k)
	}
	for k := range sc.params {
		if _, dup := sc.names[k]; !dup {
			out = append(out, k)
		}
	}
	for k := range sc.records {
		out = append(out, k)
	}
	return out
}

func (w *walker) ident(n *ast.IdentifierNode) value.Kind {
	sc := w.sc
	if w.inAgg && sc.inner != nil {
		sc = sc.inner
	}
	if k, ok := sc.lookup(n.Value); ok {
		w.refs[n.Value] = true
		return k
	}
	if sc.page {
		w.errorf(n, "%s", pageBandName(n.Value, sc))
		return value.KindAny
	}
	if !w.inAgg && sc.inner != nil {
		_, field := sc.inner.lookup(n.Value)
		_, rec := sc.inner.records[n.Value]
		if field || rec {
			keys := "none"
			if k := sc.sorted(); len(k) > 0 {
				keys = names.List(k)
			}
			w.errorf(n, "field %q in a %s must be a group key or inside an aggregate (keys here: %s)", n.Value, sc.what, keys)
			return value.KindAny
		}
	}
	if _, ok := sc.records[n.Value]; ok {
		w.refs[n.Value] = true
		return value.KindRecord
	}
	w.errorf(n, "unknown field %q%s", n.Value, suggestOrListUnordered(n.Value, sc.all()))
	return value.KindAny
}
