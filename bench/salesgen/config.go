package salesgen

import (
	"math/rand/v2"
)

// Config selects a data set. Its zero value is valid and yields no sales
// rows and the minimum number of customers.
type Config struct {
	// Rows is the number of sales rows; it must not be negative.
	Rows int
	// Seed selects the data set; every value, including 0, is valid.
	Seed uint64
}

// minCustomers is the smallest number of customers of any data set.
const minCustomers = 50

// NumCustomers returns the number of customers of cfg's data set:
// max(50, Rows/10).
func (cfg Config) NumCustomers() int {
	return max(minCustomers, cfg.Rows/10)
}

// Stream selectors: each kind of draw has its own PCG stream so that adding
// a column to one kind of record does not shift the values of the other.
const (
	salesStream    = 0x5a1e5_0001
	customerStream = 0xc057_0002
)

// splitmix64 scrambles x; it turns small consecutive integers (customer ids)
// into well-spread PCG seeds.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// weighted is a discrete distribution over the indexes of its weights.
type weighted struct {
	cum []int // cum[i] is the sum of weights 0..i
}

func newWeighted(weights ...int) weighted {
	cum := make([]int, len(weights))
	total := 0
	for i, w := range weights {
		total += w
		cum[i] = total
	}
	return weighted{cum: cum}
}

// pick draws an index with probability proportional to its weight.
func (w weighted) pick(r *rand.Rand) int {
	x := r.IntN(w.cum[len(w.cum)-1])
	for i, c := range w.cum {
		if x < c {
			return i
		}
	}
	panic("unreachable")
}

// coprimeStride returns a stride near 0.618·n that is coprime with n, so
// that i ↦ i·stride mod n is a permutation of [0, n) that scatters
// neighbours.
func coprimeStride(n int) int {
	if n <= 2 {
		return 1
	}
	s := int(int64(n)*618/1000) + 1
	for gcd(s, n) != 1 {
		s++
	}
	return s
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
