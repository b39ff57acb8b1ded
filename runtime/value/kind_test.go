package value

import (
	"math"
	"math/big"
	"testing"
	"time"
)

func TestKindString(t *testing.T) {
	want := map[Kind]string{
		KindNil: "nil", KindInt: "int", KindFloat: "float", KindDecimal: "decimal",
		KindString: "string", KindBool: "bool", KindDate: "date", KindTime: "timestamp",
		KindRecord: "record", KindAny: "any", Kind(200): "Kind(200)",
	}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("Kind(%d).String() = %q, want %q", k, k.String(), s)
		}
	}
	for k := KindNil; k <= KindAny; k++ {
		if got := k.IsNumeric(); got != (k == KindInt || k == KindFloat || k == KindDecimal) {
			t.Errorf("%s.IsNumeric() = %v", k, got)
		}
		if k == KindNil || k == KindRecord {
			continue
		}
		if got, ok := ParseKind(k.String()); !ok || got != k {
			t.Errorf("ParseKind(%q) = %s, %v", k.String(), got, ok)
		}
	}
}

func TestParseKind(t *testing.T) {
	for name, want := range map[string]Kind{
		"int": KindInt, "integer": KindInt, "float": KindFloat, "decimal": KindDecimal,
		"money": KindDecimal, "string": KindString, "text": KindString, "bool": KindBool,
		"boolean": KindBool, "date": KindDate, "timestamp": KindTime, "datetime": KindTime,
		"time": KindTime, "any": KindAny,
	} {
		if got, ok := ParseKind(name); !ok || got != want {
			t.Errorf("ParseKind(%q) = %s, %v; want %s", name, got, ok, want)
		}
	}
	for _, name := range []string{"", "Int", "record", "nil", "number"} {
		if got, ok := ParseKind(name); ok {
			t.Errorf("ParseKind(%q) = %s, want not ok", name, got)
		}
	}
}

func TestKindOf(t *testing.T) {
	for _, c := range []struct {
		v    any
		want Kind
	}{
		{nil, KindNil},
		{int64(1), KindInt},
		{1.5, KindFloat},
		{dec("1"), KindDecimal},
		{"x", KindString},
		{true, KindBool},
		{Date(1), KindDate},
		{ts, KindTime},
		{rec, KindRecord},
		{1, KindAny}, // not canonical
		{[]any{}, KindAny},
	} {
		if got := KindOf(c.v); got != c.want {
			t.Errorf("KindOf(%#v) = %s, want %s", c.v, got, c.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	d := dec("1.5")
	var nilDec *Decimal
	for _, c := range []struct {
		in, want any
	}{
		{int(-3), int64(-3)},
		{int8(-3), int64(-3)},
		{int16(-3), int64(-3)},
		{int32(-3), int64(-3)},
		{uint8(3), int64(3)},
		{uint16(3), int64(3)},
		{uint32(3), int64(3)},
		{uint(3), int64(3)},
		{uint64(3), int64(3)},
		{uint64(math.MaxInt64), int64(math.MaxInt64)},
		{uint64(math.MaxUint64), DecimalFromBig(new(big.Int).SetUint64(math.MaxUint64), 0)},
		{uint(math.MaxUint64), DecimalFromBig(new(big.Int).SetUint64(math.MaxUint64), 0)},
		{float32(1.5), 1.5},
		{[]byte("ab"), "ab"},
		{&d, d},
		{nilDec, nil},
		{int64(7), int64(7)},
		{"x", "x"},
		{ts, ts},
		{time.Duration(5), time.Duration(5)},
	} {
		if got := Normalize(c.in); !same(got, c.want) {
			t.Errorf("Normalize(%#v) = %#v, want %#v", c.in, got, c.want)
		}
	}
}
