/* util — out-of-order byte ranges held beyond the next expected byte, as offsets from it
 * (RCV.NXT). A small fixed array, merged and sorted: no allocation per segment. */
#ifndef SY_UTIL_ASSEMBLER_H
#define SY_UTIL_ASSEMBLER_H

#include <stdbool.h>
#include <stdint.h>

#define SY_ASM_RANGES 16

struct sy_asm_range {
    uint32_t start, end; /* [start, end) in bytes past the next expected byte */
};

struct sy_assembler {
    struct sy_asm_range r[SY_ASM_RANGES]; /* sorted, disjoint, not touching */
    unsigned n;
    uint32_t last_start; /* the range that received the newest segment begins here */
};

void sy_asm_init(struct sy_assembler *a);
/* Record [start, end) (start > 0). False when the array is full and the range could not be kept
 * (the data is then simply not held: it will be sent again). */
bool sy_asm_add(struct sy_assembler *a, uint32_t start, uint32_t end);
/* The next expected byte moved forward by k (in-order data arrived): shift every range, and
 * return how many bytes now follow contiguously (a range reaching offset 0), removing them. The
 * caller advances by that much too. */
uint32_t sy_asm_advance(struct sy_assembler *a, uint32_t k);
static inline bool sy_asm_empty(const struct sy_assembler *a)
{
    return a->n == 0;
}

#endif
