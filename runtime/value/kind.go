package value

import (
	"fmt"
	"time"
)

// Kind classifies values and column types.
type Kind uint8

// The kinds of values. KindAny is a static type whose kind is only known at
// run time.
const (
	KindNil Kind = iota
	KindInt
	KindFloat
	KindDecimal
	KindString
	KindBool
	KindDate
	KindTime
	KindRecord
	KindAny
)

var kindNames = [...]string{"nil", "int", "float", "decimal", "string", "bool", "date", "timestamp", "record", "any"}

// String returns the kind's name as written in scripts.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// IsNumeric reports whether k is int, float or decimal.
func (k Kind) IsNumeric() bool { return k == KindInt || k == KindFloat || k == KindDecimal }

// ParseKind maps a type name of the language to its Kind.
func ParseKind(name string) (Kind, bool) {
	switch name {
	case "int", "integer":
		return KindInt, true
	case "float":
		return KindFloat, true
	case "decimal", "money":
		return KindDecimal, true
	case "string", "text":
		return KindString, true
	case "bool", "boolean":
		return KindBool, true
	case "date":
		return KindDate, true
	case "timestamp", "datetime", "time":
		return KindTime, true
	case "any":
		return KindAny, true
	}
	return KindNil, false
}

// KindOf returns the kind of a run-time value.
func KindOf(v any) Kind {
	switch v.(type) {
	case nil:
		return KindNil
	case int64:
		return KindInt
	case float64:
		return KindFloat
	case Decimal:
		return KindDecimal
	case string:
		return KindString
	case bool:
		return KindBool
	case Date:
		return KindDate
	case time.Time:
		return KindTime
	case map[string]any:
		return KindRecord
	}
	return KindAny
}

// Normalize converts Go values of other numeric types (int, int32, float32,
// uint8…) to the canonical representation. Values already canonical are
// returned unchanged.
func Normalize(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint:
		if uint64(x) <= 1<<63-1 {
			return int64(x)
		}
		return DecimalFromBig(newBigFromUint(uint64(x)), 0)
	case uint64:
		if x <= 1<<63-1 {
			return int64(x)
		}
		return DecimalFromBig(newBigFromUint(x), 0)
	case float32:
		return float64(x)
	case []byte:
		return string(x)
	case *Decimal:
		if x == nil {
			return nil
		}
		return *x
	}
	return v
}
