//go:build !purego

package source

// blockMasks is written in assembly (masks_amd64.s): sixteen bytes per
// instruction instead of eight bytes per word of arithmetic.
//
//go:noescape
func blockMasks(data []byte, delim byte, nl, dl, ql []uint64)
