package salesgen

import (
	"iter"
	"math/rand/v2"
	"strconv"
	"time"
)

// Customer is one row of the customers table.
type Customer struct {
	// ID is the customer's id, 1..[Config.NumCustomers].
	ID int64
	// Name is unique to the customer: a company name for the Enterprise
	// and SMB segments, a person's name for Consumer.
	Name string
	// Segment is Enterprise, SMB or Consumer.
	Segment string
	// Country is where the customer is based.
	Country string
	// Since is the date the customer was acquired, as YYYY-MM-DD.
	Since string
	// Territory is the sales territory the customer belongs to. It is not
	// a column of the customers table; it appears on the customer's sales.
	Territory string
}

// territories lists the sales territories, most sales first.
var territories = []string{"North", "South", "East", "West", "Central", "Northeast", "Southwest", "Pacific"}
var territoryDist = newWeighted(20, 17, 15, 14, 12, 9, 8, 5)

var segments = []string{"Enterprise", "SMB", "Consumer"}
var segmentDist = newWeighted(15, 45, 40)

var countries = []string{"United States", "Canada", "Mexico", "United Kingdom", "Germany", "France", "Australia"}
var countryDist = newWeighted(70, 10, 5, 5, 4, 3, 3)

// Company names are prefix + industry + legal form, with a branch city from
// the second use of a combination on.
var companyPrefixes = []string{
	"Acme", "Apex", "Atlas", "Bayview", "Beacon", "Blue Ridge", "Brightwater", "Cascade",
	"Cedar", "Copper", "Crescent", "Evergreen", "Everest", "Falcon", "Foxglove", "Granite",
	"Harbor", "Highland", "Horizon", "Ironwood", "Juniper", "Keystone", "Lakeside", "Liberty",
	"Lighthouse", "Lumière", "Maple", "Meridian", "Monarch", "Nordic", "Northwind", "Oakmont",
	"Orchard", "Pinnacle", "Prairie", "Quarry", "Redwood", "Riverbend", "Sequoia", "Silverline",
	"Sterling", "Stonebridge", "Summit", "Sunrise", "Tidewater", "Trailhead", "Vantage", "Willow",
	"Zenith",
}
var companyIndustries = []string{
	"Analytics", "Builders", "Consulting", "Dental", "Design", "Electric", "Engineering", "Farms",
	"Fitness", "Foods", "Freight", "Health", "Hospitality", "Insurance", "Labs", "Legal",
	"Logistics", "Marine", "Media", "Medical", "Motors", "Outfitters", "Pharmacy", "Printing",
	"Realty", "Robotics", "Software", "Studios", "Supply", "Textiles", "Travel", "Ventures",
}
var companyForms = []string{"Inc", "LLC", "Ltd", "Co", "Group", "Partners"}
var branchCities = []string{
	"Austin", "Boston", "Calgary", "Chicago", "Denver", "Detroit", "Dublin", "Hamburg",
	"Houston", "Lyon", "Miami", "Monterrey", "Montreal", "Nashville", "Omaha", "Perth",
	"Phoenix", "Portland", "Raleigh", "Sacramento", "Seattle", "Tampa", "Toronto", "Tulsa",
}

// Person names are first + optional middle initial + last, with a
// generational suffix from the second use of a combination on.
var firstNames = []string{
	"Aisha", "Amara", "Bruno", "Chen", "Chloe", "David", "Diego", "Elena", "Emma", "Farah",
	"Fatima", "George", "Hannah", "Hiroshi", "Ingrid", "Ivan", "Jamal", "Julia", "Kavya", "Kenji",
	"Liam", "Lucas", "Maria", "Mei", "Nadia", "Noah", "Olga", "Omar", "Paula", "Priya",
	"Rafael", "Sofia", "Sven", "Tomás", "Uma", "Victor", "Wen", "Yusuf", "Zoë", "Ana",
}
var lastNames = []string{
	"Adeyemi", "Ali", "Andersen", "Becker", "Bianchi", "Brown", "Chen", "Cohen", "Costa", "Dubois",
	"Fischer", "Garcia", "Haddad", "Hernandez", "Ivanova", "Jensen", "Johansson", "Kaur", "Kim", "Kowalski",
	"Larsen", "Lopez", "Mensah", "Moreau", "Murphy", "Müller", "Mwangi", "Nakamura", "Nguyen", "Novak",
	"O'Brien", "Okafor", "Ortiz", "Patel", "Petrov", "Reyes", "Rossi", "Santos", "Sato", "Schmidt",
	"Silva", "Singh", "Smith", "Tanaka", "Torres", "Walker", "Wilson", "Wright", "Yamamoto", "Young",
}

const middleInitials = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

var (
	companySpace  = len(companyPrefixes) * len(companyIndustries) * len(companyForms)
	personSpace   = len(firstNames) * len(lastNames) * (len(middleInitials) + 1)
	companyStride = coprimeStride(companySpace)
	personStride  = coprimeStride(personSpace)
)

// companyName returns the name of the company with index s (the customer
// id less one). Distinct s give distinct names.
func companyName(s int) string {
	gen, c := s/companySpace, int(int64(s)*int64(companyStride)%int64(companySpace))
	form := companyForms[c%len(companyForms)]
	c /= len(companyForms)
	industry := companyIndustries[c%len(companyIndustries)]
	prefix := companyPrefixes[c/len(companyIndustries)]
	name := prefix + " " + industry + " " + form
	if gen > 0 {
		city := branchCities[(gen-1)%len(branchCities)]
		if round := (gen-1)/len(branchCities) + 1; round > 1 {
			city += " " + strconv.Itoa(round)
		}
		name += " (" + city + ")"
	}
	return name
}

// personName returns the name of the person with index s (the customer id
// less one). Distinct s give distinct names, and no person's name equals a
// company's (person names have no legal form).
func personName(s int) string {
	gen, c := s/personSpace, int(int64(s)*int64(personStride)%int64(personSpace))
	first := firstNames[c%len(firstNames)]
	c /= len(firstNames)
	last := lastNames[c%len(lastNames)]
	mid := c / len(lastNames)
	name := first + " "
	if mid > 0 {
		name += middleInitials[mid-1:mid] + ". "
	}
	name += last
	switch {
	case gen == 0:
	case gen <= len(personSuffixes):
		name += " " + personSuffixes[gen-1]
	default:
		name += " " + strconv.Itoa(gen-len(personSuffixes)+6)
	}
	return name
}

// personSuffixes tell apart people whose names are otherwise equal; past
// them come the numbers 6, 7, ...
var personSuffixes = []string{"Jr.", "Sr.", "II", "III", "IV", "V"}

// Acquisition dates span sinceFirst..sinceFirst+sinceDays-1.
var sinceFirst = time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)

const sinceDays = 4018 // 2012-01-01..2022-12-31

// customer returns the customer with the given id. It depends only on seed
// and id.
func customer(seed uint64, id int) Customer {
	r := rand.New(rand.NewPCG(seed^customerStream, splitmix64(uint64(id))))
	c := Customer{ID: int64(id)}
	c.Territory = territories[territoryDist.pick(r)]
	c.Segment = segments[segmentDist.pick(r)]
	c.Country = countries[countryDist.pick(r)]
	c.Since = sinceFirst.AddDate(0, 0, r.IntN(sinceDays)).Format(time.DateOnly)
	if c.Segment == "Consumer" {
		c.Name = personName(id - 1)
	} else {
		c.Name = companyName(id - 1)
	}
	return c
}

// Customers returns the customers of cfg's data set in id order.
func Customers(cfg Config) iter.Seq[Customer] {
	return func(yield func(Customer) bool) {
		for id := 1; id <= cfg.NumCustomers(); id++ {
			if !yield(customer(cfg.Seed, id)) {
				return
			}
		}
	}
}
