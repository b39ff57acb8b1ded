//go:build !amd64 || purego

package source

func blockMasks(data []byte, delim byte, nl, dl, ql []uint64) {
	blockMasksGo(data, delim, nl, dl, ql)
}
