// Package value is the value model shared by every phase of reportsh.
//
// A value is a Go any holding one of:
//
//	nil            SQL NULL: missing or empty
//	int64          integers; arithmetic detects overflow and never wraps
//	float64        binary floating point, only where asked for
//	Decimal        exact decimal numbers (money)
//	string
//	bool
//	Date           a calendar day
//	time.Time      an instant (timestamps)
//	map[string]any a nested record (a lookup's row)
//
// The arithmetic and comparison functions here ([Add], [Mul], [Compare], …)
// define the language's semantics: nil propagates through arithmetic, integers
// widen to decimals and decimals to floats, never the other way.
package value
