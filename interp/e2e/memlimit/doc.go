// Package memlimit holds the end-to-end tests of the memory limit
// (RunConfig.MemoryLimit): a run whose groups, sort buffer, SQLite partial
// results or built values pass the limit fails promptly with a
// *interp.LimitError naming what holds the memory, under every strategy.
//
// They read the process's live heap, so they run one at a time, in a
// process of their own: beside the other end-to-end tests (package e2e)
// rather than among them, which also lets the two run at once.
//
// The package has no code of its own; this file only documents it.
package memlimit
