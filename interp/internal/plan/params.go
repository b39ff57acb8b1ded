package plan

import (
	"fmt"
	"sort"

	"github.com/reportsh/reportsh/interp/internal/check"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/value"
)

// bindParams merges defaults, text values and typed values, checking types
// and that every required parameter is set.
func (p *Planner) bindParams(rc Settings) (map[string]any, error) {
	out := map[string]any{}
	declared := map[string]*program.Param{}
	for _, pd := range p.m.Params {
		declared[pd.Name] = pd
		if pd.HasDefault {
			out[pd.Name] = pd.Default
		}
	}
	names := make([]string, 0, len(declared))
	for n := range declared {
		names = append(names, n)
	}
	sort.Strings(names)
	for name, text := range rc.Params {
		pd, ok := declared[name]
		if !ok {
			return nil, &ParamError{Name: name, Msg: "unknown parameter" + check.SuggestOrList(name, names)}
		}
		v, err := check.ParseParamText(pd.Kind, text)
		if err != nil {
			return nil, &ParamError{Name: name, Msg: err.Error()}
		}
		out[name] = v
	}
	for name, v := range rc.Values {
		pd, ok := declared[name]
		if !ok {
			return nil, &ParamError{Name: name, Msg: "unknown parameter" + check.SuggestOrList(name, names)}
		}
		cv, err := value.Convert(v, pd.Kind)
		if err != nil {
			return nil, &ParamError{Name: name, Msg: err.Error()}
		}
		out[name] = cv
	}
	for _, pd := range p.m.Params {
		if _, ok := out[pd.Name]; !ok {
			return nil, &ParamError{Name: pd.Name, Required: true, Declared: program.PosString(pd.Pos),
				Msg: fmt.Sprintf("required parameter not set (declared at %s)", program.PosString(pd.Pos))}
		}
	}
	return out, nil
}

// ParamError reports a bad or missing parameter.
type ParamError struct {
	Name string
	Msg  string
	// Required is set when the error is a required parameter with no value.
	Required bool
	// Declared is the position of the param statement ("file:line:col").
	Declared string
}

func (e *ParamError) Error() string { return "param " + e.Name + ": " + e.Msg }
