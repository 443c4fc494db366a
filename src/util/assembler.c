/* util — out-of-order ranges for reassembly in place. */
#include "util/assembler.h"

#include <string.h>

void sy_asm_init(struct sy_assembler *a)
{
    a->n = 0;
    a->last_start = 0;
}

bool sy_asm_add(struct sy_assembler *a, uint32_t start, uint32_t end)
{
    if (start >= end) return true;
    unsigned i = 0;
    while (i < a->n && a->r[i].end < start)
        i++;
    unsigned j = i; /* ranges i..j-1 overlap or touch [start, end) */
    while (j < a->n && a->r[j].start <= end) {
        if (a->r[j].start < start) start = a->r[j].start;
        if (a->r[j].end > end) end = a->r[j].end;
        j++;
    }
    if (i == j && a->n == SY_ASM_RANGES) return false;
    memmove(&a->r[i + 1], &a->r[j], (a->n - j) * sizeof(a->r[0]));
    a->r[i] = (struct sy_asm_range){start, end};
    a->n = a->n - (j - i) + 1;
    a->last_start = start;
    return true;
}

static void shift(struct sy_assembler *a, uint32_t k)
{
    unsigned m = 0;
    for (unsigned i = 0; i < a->n; i++) {
        struct sy_asm_range x = a->r[i];
        if (x.end <= k) continue; /* all of it now in order */
        x.start = x.start > k ? x.start - k : 0;
        x.end -= k;
        a->r[m++] = x;
    }
    a->n = m;
    a->last_start = a->last_start > k ? a->last_start - k : 0;
}

uint32_t sy_asm_advance(struct sy_assembler *a, uint32_t k)
{
    shift(a, k);
    if (a->n == 0 || a->r[0].start != 0) return 0;
    uint32_t more = a->r[0].end;
    shift(a, more);
    return more;
}
