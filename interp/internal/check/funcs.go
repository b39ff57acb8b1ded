package check

import (
	"fmt"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/checker/nature"
	"github.com/expr-lang/expr/conf"

	"github.com/reportsh/reportsh/interp/internal/eval"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/value"
	"github.com/reportsh/reportsh/stdlib"
)

// funcPrefix marks the internal names of the standard library's functions.
const funcPrefix = "__f_"

// funcTable holds the functions an expression may call: the standard
// library plus the operators' implementations (__add, __lt, …).
type funcTable struct {
	funcs map[string]*stdlib.Func
	host  map[string]bool // the host's functions (Options.Functions)
	opts  []expr.Option
	once  sync.Once
	base  *conf.Config // every function registered; never changed after once
}

// newFuncTable builds the table with every value a function or operator
// builds bounded by maxBytes (resolved, see value.MaxBytes).
func newFuncTable(extra []*stdlib.Func, maxBytes int64) *funcTable {
	t := &funcTable{funcs: map[string]*stdlib.Func{}, host: map[string]bool{}}
	for _, f := range stdlib.AllWith(stdlib.Limits{MaxValueBytes: maxBytes}) {
		t.funcs[f.Name] = f
	}
	for _, f := range extra {
		if f.Call != nil {
			g := *f
			g.Call = guardCall(f, maxBytes) // the host's function: its panic fails the call
			f = &g
		}
		t.funcs[f.Name] = f
		t.host[f.Name] = true
	}
	t.opts = append(t.opts, expr.DisableAllBuiltins())
	for _, f := range t.funcs {
		// Registered under an internal name so that a field called like a
		// function (year, month, date…) never shadows the call.
		t.opts = append(t.opts, expr.Function(funcPrefix+f.Name, f.Call))
	}
	for name, fn := range operatorFuncs {
		if op, ok := arithOps[name]; ok {
			fn = binop(op, maxBytes)
		}
		t.opts = append(t.opts, expr.Function(name, fn))
	}
	// expr parses a few names (sum, count, filter, …) as its own predicate
	// builtins even when builtins are disabled, unless a function of that
	// name exists. Registering placeholders makes them ordinary calls, which
	// the checker then resolves: aggregates in any case, or an error.
	for _, name := range shadowedBuiltins() {
		t.opts = append(t.opts, expr.Function(name, unsupported(name)))
	}
	return t
}

// fastCall resolves a call's registered name (funcPrefix and the
// function's name) to the function the VM calls, for the fast path
// (eval.BuildFast): the standard library's, which are quick and have no
// effects. A host's function (Options.Functions) stays on the VM, whose
// handling of a slow, panicking or cancelling Go function is what its
// tests pin down (TestCancelSeenPerRecord, TestPanicGoFunction).
func (t *funcTable) fastCall(name string) (func(args ...any) (any, error), bool) {
	n, ok := strings.CutPrefix(name, funcPrefix)
	if !ok || t.host[n] {
		return nil, false
	}
	f, ok := t.funcs[n]
	if !ok || f.Call == nil {
		return nil, false
	}
	return f.Call, true
}

func (t *funcTable) lookup(name string) (*stdlib.Func, bool) {
	f, ok := t.funcs[name]
	if !ok {
		f, ok = t.funcs[strings.ToLower(name)]
	}
	return f, ok
}

func (t *funcTable) names() []string {
	out := make([]string, 0, len(t.funcs))
	for n := range t.funcs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// config returns a fresh expr configuration with every function
// registered. Registering them builds maps of a hundred entries, a third of
// a small script's compile time when done per expression, so it is done
// once; each expression gets a copy that shares those maps (which neither
// the parser, the checker nor the compiler changes) and has its own type
// cache and environment.
func (t *funcTable) config() *conf.Config {
	t.once.Do(func() {
		c := conf.CreateNew()
		for _, o := range t.opts {
			o(c)
		}
		for name := range c.Disabled {
			delete(c.Builtins, name)
		}
		t.base = c
	})
	c := *t.base
	c.NtCache = nature.Cache{}
	return &c
}

// arithOps are the operators whose values binop bounds.
var arithOps = map[string]value.Op{
	"__add": value.OpAdd, "__sub": value.OpSub, "__mul": value.OpMul, "__div": value.OpDiv, "__mod": value.OpMod,
}

// binop is an arithmetic operator building values of at most maxBytes.
func binop(op value.Op, maxBytes int64) func(...any) (any, error) {
	return func(a ...any) (any, error) { return value.ArithMax(op, a[0], a[1], maxBytes) }
}

func cmpop(test func(int) bool) func(...any) (any, error) {
	return func(a ...any) (any, error) {
		if a[0] == nil || a[1] == nil {
			return nil, nil
		}
		c, err := value.Compare(a[0], a[1])
		if err != nil {
			return nil, err
		}
		return test(c), nil
	}
}

var regexCache sync.Map // pattern → *regexp.Regexp

// regexCached counts the patterns in regexCache, which keeps at most
// maxRegexCache of them: patterns that change per record (s matches
// field) must not grow the process's memory run after run.
var regexCached atomic.Int64

const maxRegexCache = 1024

func strop(test func(a, b string) (bool, error)) func(...any) (any, error) {
	return func(a ...any) (any, error) {
		if a[0] == nil || a[1] == nil {
			return nil, nil
		}
		x, ok1 := a[0].(string)
		y, ok2 := a[1].(string)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("needs strings, not %s and %s", value.KindOf(a[0]), value.KindOf(a[1]))
		}
		return test(x, y)
	}
}

var operatorFuncs = map[string]func(...any) (any, error){
	"__add": binop(value.OpAdd, value.DefaultMaxBytes), // newFuncTable binds the run's bound
	"__sub": binop(value.OpSub, value.DefaultMaxBytes),
	"__mul": binop(value.OpMul, value.DefaultMaxBytes),
	"__div": binop(value.OpDiv, value.DefaultMaxBytes),
	"__mod": binop(value.OpMod, value.DefaultMaxBytes),
	"__pow": func(a ...any) (any, error) {
		return stdlibCall("pow", a...)
	},
	"__neg": func(a ...any) (any, error) { return value.Neg(a[0]) },
	"__not": func(a ...any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		b, err := eval.Truthy(a[0])
		return !b, err
	},
	"__truthy": func(a ...any) (any, error) { return eval.Truthy(a[0]) },
	"__eq":     func(a ...any) (any, error) { return value.Equal(a[0], a[1]), nil },
	"__ne":     func(a ...any) (any, error) { return !value.Equal(a[0], a[1]), nil },
	"__lt":     cmpop(func(c int) bool { return c < 0 }),
	"__le":     cmpop(func(c int) bool { return c <= 0 }),
	"__gt":     cmpop(func(c int) bool { return c > 0 }),
	"__ge":     cmpop(func(c int) bool { return c >= 0 }),
	"__in": func(a ...any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		switch list := a[1].(type) {
		case []any:
			for _, x := range list {
				if value.Equal(value.Normalize(x), a[0]) {
					return true, nil
				}
			}
			return false, nil
		case map[string]any:
			s, ok := a[0].(string)
			if !ok {
				return false, nil
			}
			_, found := list[s]
			return found, nil
		case nil:
			return nil, nil
		}
		return nil, fmt.Errorf("in needs a list, not %s", value.KindOf(a[1]))
	},
	"__contains":   strop(func(a, b string) (bool, error) { return strings.Contains(a, b), nil }),
	"__startsWith": strop(func(a, b string) (bool, error) { return strings.HasPrefix(a, b), nil }),
	"__endsWith":   strop(func(a, b string) (bool, error) { return strings.HasSuffix(a, b), nil }),
	"__matches": strop(func(a, b string) (bool, error) {
		re, ok := regexCache.Load(b)
		if !ok {
			r, err := regexp.Compile(b)
			if err != nil {
				return false, err
			}
			if regexCached.Load() >= maxRegexCache {
				return r.MatchString(a), nil
			}
			var loaded bool
			if re, loaded = regexCache.LoadOrStore(b, r); !loaded {
				regexCached.Add(1)
			}
		}
		return re.(*regexp.Regexp).MatchString(a), nil
	}),
	"__get": func(a ...any) (any, error) {
		switch m := a[0].(type) {
		case nil:
			return nil, nil
		case map[string]any:
			return m[a[1].(string)], nil
		}
		return nil, fmt.Errorf("cannot read field %s of %s", a[1], value.KindOf(a[0]))
	},
}

func stdlibCall(name string, args ...any) (any, error) {
	f, ok := stdlib.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("no function %s", name)
	}
	return f.Call(args...)
}

// shadowedBuiltins are the names expr would parse as its own builtins.
func shadowedBuiltins() []string {
	names := map[string]bool{}
	for _, n := range agg.Names() {
		names[strings.ToLower(n)] = true
	}
	for _, b := range builtin.Builtins {
		names[b.Name] = true
	}
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func unsupported(name string) func(...any) (any, error) {
	return func(...any) (any, error) { return nil, fmt.Errorf("%s is not available here", name) }
}

// guardCall returns f's Call, a registered function's, with a panic turned
// into an error of the call (the VM positions it), and a result larger
// than maxBytes into a *value.SizeError.
func guardCall(f *stdlib.Func, maxBytes int64) func(...any) (any, error) {
	call := f.Call
	return func(args ...any) (res any, err error) {
		defer func() {
			if v := recover(); v != nil {
				res, err = nil, &program.PanicError{Part: "function " + f.Name, Value: v, Stack: debug.Stack()}
			}
		}()
		res, err = call(args...)
		if err == nil {
			if err = value.CheckValue(value.Normalize(res), maxBytes); err != nil {
				return nil, &stdlib.Error{Func: f.Name, Err: err}
			}
		}
		return res, err
	}
}
