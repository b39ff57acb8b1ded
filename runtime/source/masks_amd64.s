//go:build !purego

#include "textflag.h"

// func blockMasks(data []byte, delim byte, nl, dl, ql []uint64)
//
// For each 64-byte block i of data (len(data) is a multiple of 64), sets
// bit j of nl[i], dl[i] and ql[i] when byte 64i+j is '\n', delim or '"'.
// SSE2 only, which every amd64 processor has.
TEXT ·blockMasks(SB), NOSPLIT, $0-104
	MOVQ data_base+0(FP), SI
	MOVQ data_len+8(FP), CX
	SHRQ $6, CX
	MOVBQZX delim+24(FP), AX
	MOVQ nl_base+32(FP), R8
	MOVQ dl_base+56(FP), R9
	MOVQ ql_base+80(FP), R10

	// X0 = delim, X1 = '\n', X2 = '"' in every byte.
	MOVQ $0x0101010101010101, BX
	IMULQ BX, AX
	MOVQ AX, X0
	PUNPCKLQDQ X0, X0
	MOVQ $0x0a0a0a0a0a0a0a0a, AX
	MOVQ AX, X1
	PUNPCKLQDQ X1, X1
	MOVQ $0x2222222222222222, AX
	MOVQ AX, X2
	PUNPCKLQDQ X2, X2

loop:
	TESTQ CX, CX
	JZ    done
	MOVOU 0(SI), X4
	MOVOU 16(SI), X5
	MOVOU 32(SI), X6
	MOVOU 48(SI), X7

	// delimiters
	MOVO     X4, X8
	PCMPEQB  X0, X8
	PMOVMSKB X8, AX
	MOVO     X5, X8
	PCMPEQB  X0, X8
	PMOVMSKB X8, BX
	SHLQ     $16, BX
	ORQ      BX, AX
	MOVO     X6, X8
	PCMPEQB  X0, X8
	PMOVMSKB X8, BX
	SHLQ     $32, BX
	ORQ      BX, AX
	MOVO     X7, X8
	PCMPEQB  X0, X8
	PMOVMSKB X8, BX
	SHLQ     $48, BX
	ORQ      BX, AX
	MOVQ     AX, (R9)

	// newlines
	MOVO     X4, X8
	PCMPEQB  X1, X8
	PMOVMSKB X8, AX
	MOVO     X5, X8
	PCMPEQB  X1, X8
	PMOVMSKB X8, BX
	SHLQ     $16, BX
	ORQ      BX, AX
	MOVO     X6, X8
	PCMPEQB  X1, X8
	PMOVMSKB X8, BX
	SHLQ     $32, BX
	ORQ      BX, AX
	MOVO     X7, X8
	PCMPEQB  X1, X8
	PMOVMSKB X8, BX
	SHLQ     $48, BX
	ORQ      BX, AX
	MOVQ     AX, (R8)

	// quotes
	MOVO     X4, X8
	PCMPEQB  X2, X8
	PMOVMSKB X8, AX
	MOVO     X5, X8
	PCMPEQB  X2, X8
	PMOVMSKB X8, BX
	SHLQ     $16, BX
	ORQ      BX, AX
	MOVO     X6, X8
	PCMPEQB  X2, X8
	PMOVMSKB X8, BX
	SHLQ     $32, BX
	ORQ      BX, AX
	MOVO     X7, X8
	PCMPEQB  X2, X8
	PMOVMSKB X8, BX
	SHLQ     $48, BX
	ORQ      BX, AX
	MOVQ     AX, (R10)

	ADDQ $64, SI
	ADDQ $8, R8
	ADDQ $8, R9
	ADDQ $8, R10
	DECQ CX
	JMP  loop

done:
	RET
