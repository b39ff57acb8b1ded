package source

// splitStatus is how splitAt ended.
type splitStatus int

const (
	splitOK     splitStatus = iota // a whole line, newline included
	splitShort                     // no newline in data: more data, or the last line
	splitQuoted                    // the line holds a quote: parse it as quoted
)

// Word-at-a-time byte matching, for blockMasksGo.
const (
	swarLow = 0x0101010101010101
	swar7F  = 0x7f7f7f7f7f7f7f7f
)

// swarEq returns a mask with the high bit of every byte of w that equals
// the byte c (c repeated in each byte), and no other bit. Unlike the
// classic (x-1)&^x trick it has no false positives.
func swarEq(w, c uint64) uint64 {
	x := w ^ c
	t := (x & swar7F) + swar7F
	return ^(t | x | swar7F)
}
