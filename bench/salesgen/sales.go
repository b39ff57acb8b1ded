package salesgen

import (
	"iter"
	"math/rand/v2"
	"time"
)

// Sale is one row of the sales table.
type Sale struct {
	// ID is the row's id, 1..[Config.Rows].
	ID int64
	// Territory is the customer's territory.
	Territory string
	// CustomerID is the id of a [Customer].
	CustomerID int64
	// Customer is the customer's name.
	Customer string
	// Product is the product's name.
	Product string
	// AmountCents is the unit price in cents; it is meaningful only when
	// HasAmount is true.
	AmountCents int64
	// HasAmount is false when the amount is missing (NULL).
	HasAmount bool
	// Quantity is the number of units, 1..20.
	Quantity int64
	// SaleDate is the date of the sale, as YYYY-MM-DD.
	SaleDate string
}

// product is an item of the catalogue with its list price.
type product struct {
	name  string
	cents int64
}

var products = []product{
	{"Sticky Notes", 199}, {"USB-C Cable", 1299}, {"Wireless Mouse", 2499}, {"Printer Paper", 2799},
	{"Desk Lamp", 3450}, {"USB-C Hub", 3995}, {"Laptop Stand", 4990}, {"Webcam HD", 6900},
	{"External SSD 1TB", 10900}, {"Mechanical Keyboard", 11900}, {"Office Chair", 18900},
	{"Noise-Cancelling Headset", 19900}, {"Docking Station", 22900}, {"Conference Speaker", 27900},
	{"Monitor 27in", 32900}, {"Laser Printer", 39900}, {"Standing Desk", 54900}, {"Tablet 11in", 64900},
	{"Laptop Pro 14", 149900}, {"Workstation Tower", 169900},
}

// productDist makes cheap products sell more often.
var productDist = newWeighted(60, 100, 90, 80, 60, 70, 55, 50, 40, 45, 40, 35, 25, 15, 35, 15, 20, 12, 10, 5)

// Sales dates span salesFirst..salesFirst+salesDays-1.
var salesFirst = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

const salesDays = 731 // 2023-01-01..2024-12-31

// saleDates holds the text of each sales day; dayWeights holds the
// cumulative relative number of sales up to each day: rising by about 70%
// over the two years, weekends at 40% of a weekday, November and December
// at 130%.
var saleDates, dayWeights = func() ([]string, []int64) {
	dates := make([]string, salesDays)
	cum := make([]int64, salesDays)
	var total int64
	for d := range salesDays {
		day := salesFirst.AddDate(0, 0, d)
		dates[d] = day.Format(time.DateOnly)
		w := int64(1000 + d)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			w = w * 40 / 100
		}
		if m := day.Month(); m == time.November || m == time.December {
			w = w * 130 / 100
		}
		total += w
		cum[d] = total
	}
	return dates, cum
}()

// Rows returns the sales rows of cfg's data set in id order. Each call
// starts the sequence afresh; the sequence is empty when cfg.Rows <= 0.
func Rows(cfg Config) iter.Seq[Sale] {
	return func(yield func(Sale) bool) {
		if cfg.Rows <= 0 {
			return
		}
		g := newSalesGen(cfg)
		for i := range cfg.Rows {
			if !yield(g.next(i)) {
				return
			}
		}
	}
}

// custRef is what a sale needs of its customer.
type custRef struct {
	name      string
	territory string
}

// salesGen holds the state of one pass over the sales rows.
type salesGen struct {
	rows      int
	r         *rand.Rand
	customers []custRef // by id-1
	stride    int       // scatters popularity ranks over customer ids
	offset    int
	day       int // the current sale's day index, non-decreasing
}

func newSalesGen(cfg Config) *salesGen {
	n := cfg.NumCustomers()
	g := &salesGen{
		rows:      cfg.Rows,
		r:         rand.New(rand.NewPCG(cfg.Seed, salesStream)),
		customers: make([]custRef, n),
		stride:    coprimeStride(n),
	}
	for c := range Customers(cfg) {
		g.customers[c.ID-1] = custRef{name: c.Name, territory: c.Territory}
	}
	g.offset = g.r.IntN(n)
	return g
}

// next returns the sale with index i (id i+1). Calls must come in order of i.
func (g *salesGen) next(i int) Sale {
	r := g.r
	n := len(g.customers)
	// Half the sales go to a uniformly drawn customer, half to one drawn
	// with a 1/rank-like skew, so every customer buys something in a large
	// data set and a few buy a lot.
	var rank int
	if r.IntN(2) == 0 {
		rank = r.IntN(n)
	} else {
		rank = r.IntN(r.IntN(n) + 1)
	}
	// int64: rank·stride overflows a 32-bit int past 46,341 customers.
	idx := int((int64(rank)*int64(g.stride) + int64(g.offset)) % int64(n))
	cust := g.customers[idx]
	p := products[productDist.pick(r)]
	// Price: list price ±15% (triangular), or a 15–30% discount one time
	// in ten.
	var perMille int64
	if r.IntN(10) == 0 {
		perMille = 700 + r.Int64N(151)
	} else {
		perMille = 850 + r.Int64N(151) + r.Int64N(151)
	}
	hasAmount := r.IntN(100) != 0
	quantity := 1 + r.Int64N(1+r.Int64N(20))

	// Day: the first day whose cumulative weight exceeds the row's midpoint
	// share of the total, so dates never decrease with id.
	total := dayWeights[salesDays-1]
	t := (2*int64(i) + 1) * total / (2 * int64(g.rows))
	for dayWeights[g.day] <= t {
		g.day++
	}
	s := Sale{
		ID:         int64(i) + 1,
		Territory:  cust.territory,
		CustomerID: int64(idx) + 1,
		Customer:   cust.name,
		Product:    p.name,
		HasAmount:  hasAmount,
		Quantity:   quantity,
		SaleDate:   saleDates[g.day],
	}
	if hasAmount {
		s.AmountCents = (p.cents*perMille + 500) / 1000
	}
	return s
}
