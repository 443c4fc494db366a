/* tcp — the SACK scoreboard (RFC 6675 §4). A hole is a run of unSACKed octets below the highest
 * SACKed one; every octet of a hole has the same blocks above it, so IsLost() is decided per
 * hole: lost when DupThresh blocks, or more than (DupThresh-1)*SMSS SACKed octets, lie above. */
#include "tcp/sack.h"

#include <string.h>

#include "util/seq.h"

void sy_sack_reset(struct sy_sack_board *b, uint32_t snd_una)
{
    b->n = 0;
    b->nrxt = 0;
    b->high_rxt = snd_una;
}

void sy_sack_advance(struct sy_sack_board *b, uint32_t snd_una)
{
    unsigned k = 0;
    for (unsigned i = 0; i < b->n; i++) {
        struct sy_sack_block x = b->blk[i];
        if (sy_seq_leq(x.right, snd_una)) continue;
        if (sy_seq_lt(x.left, snd_una)) x.left = snd_una;
        b->blk[k++] = x;
    }
    b->n = k;
    if (sy_seq_lt(b->high_rxt, snd_una)) b->high_rxt = snd_una;
    k = 0; /* retransmissions wholly acknowledged are done with */
    for (unsigned i = 0; i < b->nrxt; i++)
        if (sy_seq_gt(b->rxt[i].end, snd_una)) b->rxt[k++] = b->rxt[i];
    b->nrxt = k;
}

void sy_sack_note_rxt(struct sy_sack_board *b, uint32_t start, uint32_t end, uint32_t fence)
{
    if (b->nrxt == SY_SACK_RXT_MARKS) { /* full: the oldest goes */
        for (unsigned i = 1; i < b->nrxt; i++)
            b->rxt[i - 1] = b->rxt[i];
        b->nrxt--;
    }
    b->rxt[b->nrxt++] = (struct sy_sack_rxt){start, end, fence};
}

/* Octets SACKed at or above seq. */
static uint32_t sacked_above(const struct sy_sack_board *b, uint32_t seq)
{
    uint32_t n = 0;
    for (unsigned i = 0; i < b->n; i++) {
        uint32_t left = sy_seq_gt(b->blk[i].left, seq) ? b->blk[i].left : seq;
        if (sy_seq_gt(b->blk[i].right, left)) n += b->blk[i].right - left;
    }
    return n;
}

bool sy_sack_rxt_lost(struct sy_sack_board *b, uint32_t snd_una, uint32_t mss, uint32_t new_fence,
                      uint32_t *seq, uint32_t *len)
{
    for (unsigned i = 0; i < b->nrxt; i++) {
        struct sy_sack_rxt *r = &b->rxt[i];
        if (!(sy_seq_leq(r->start, snd_una) && sy_seq_lt(snd_una, r->end))) continue;
        if (sacked_above(b, r->fence) < SY_SACK_DUPTHRESH * mss) return false;
        *seq = snd_una;
        *len = r->end - snd_una < mss ? r->end - snd_una : mss;
        r->fence = new_fence;
        return true;
    }
    return false;
}

/* Insert [l, r) keeping the list sorted and merged. */
static void board_insert(struct sy_sack_board *b, uint32_t l, uint32_t r)
{
    unsigned i = 0;
    while (i < b->n && sy_seq_lt(b->blk[i].right, l))
        i++;
    unsigned j = i; /* blocks i..j-1 overlap or touch [l, r) */
    while (j < b->n && sy_seq_leq(b->blk[j].left, r)) {
        l = sy_seq_min(l, b->blk[j].left);
        r = sy_seq_max(r, b->blk[j].right);
        j++;
    }
    if (j == i && b->n == SY_SACK_BOARD_BLOCKS) return; /* full: forget the new one */
    memmove(&b->blk[i + 1], &b->blk[j], (b->n - j) * sizeof(b->blk[0]));
    b->blk[i] = (struct sy_sack_block){l, r};
    b->n = b->n - (j - i) + 1;
}

bool sy_sack_update(struct sy_sack_board *b, const struct sy_tcp_opts *o, uint32_t snd_una,
                    uint32_t snd_max)
{
    if (!(o->has & SY_OPT_SACK)) return false;
    uint32_t before = sy_sack_bytes(b);
    for (unsigned i = 0; i < o->sack_count; i++) {
        uint32_t l = o->sack[i].left, r = o->sack[i].right;
        if (!sy_seq_lt(l, r) || sy_seq_leq(l, snd_una) || sy_seq_gt(r, snd_max)) continue;
        board_insert(b, l, r);
    }
    return sy_sack_bytes(b) != before;
}

uint32_t sy_sack_bytes(const struct sy_sack_board *b)
{
    uint32_t n = 0;
    for (unsigned i = 0; i < b->n; i++)
        n += b->blk[i].right - b->blk[i].left;
    return n;
}

/* Is the hole just below block k lost? Blocks k..n-1 lie above it. */
static bool hole_lost(const struct sy_sack_board *b, unsigned k, uint32_t mss)
{
    uint32_t above = 0;
    for (unsigned i = k; i < b->n; i++)
        above += b->blk[i].right - b->blk[i].left;
    return b->n - k >= SY_SACK_DUPTHRESH || above > (SY_SACK_DUPTHRESH - 1) * mss;
}

bool sy_sack_first_lost(const struct sy_sack_board *b, uint32_t snd_una, uint32_t mss)
{
    return b->n > 0 && sy_seq_lt(snd_una, b->blk[0].left) && hole_lost(b, 0, mss);
}

/* Octets of [lo, hi) at or below high_rxt (retransmitted). */
static uint32_t retransmitted(uint32_t lo, uint32_t hi, uint32_t high_rxt)
{
    if (!sy_seq_lt(lo, high_rxt)) return 0;
    return sy_seq_min(hi, high_rxt) - lo;
}

uint32_t sy_sack_pipe(const struct sy_sack_board *b, uint32_t snd_una, uint32_t snd_max,
                      uint32_t mss)
{
    uint32_t pipe = 0, lo = snd_una;
    for (unsigned k = 0; k <= b->n; k++) {
        uint32_t hi = k < b->n ? b->blk[k].left : snd_max;
        if (sy_seq_lt(lo, hi)) {
            bool lost = k < b->n && hole_lost(b, k, mss);
            pipe += (lost ? 0 : hi - lo) + retransmitted(lo, hi, b->high_rxt);
        }
        if (k < b->n) lo = b->blk[k].right;
    }
    return pipe;
}

bool sy_sack_next_rtx(const struct sy_sack_board *b, uint32_t snd_una, uint32_t mss, bool lost_only,
                      uint32_t *seq, uint32_t *len)
{
    uint32_t lo = snd_una;
    for (unsigned k = 0; k < b->n; k++) { /* holes below the highest SACKed octet only */
        uint32_t hi = b->blk[k].left;
        uint32_t from = sy_seq_max(lo, b->high_rxt);
        if (sy_seq_lt(from, hi) && (!lost_only || hole_lost(b, k, mss))) {
            *seq = from;
            *len = hi - from < mss ? hi - from : mss;
            return true;
        }
        lo = b->blk[k].right;
    }
    return false;
}
