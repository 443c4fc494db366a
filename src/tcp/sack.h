/* tcp — the SACK scoreboard of a sender (RFC 6675): which data above SND.UNA the receiver
 * reported holding (RFC 2018), which holes are deemed lost, how much is in the pipe, and what
 * to retransmit next. Pure: sequence numbers in, answers out; no allocation. */
#ifndef SY_TCP_SACK_H
#define SY_TCP_SACK_H

#include <stdbool.h>
#include <stdint.h>

#include "wire/tcp_options.h"

#define SY_SACK_BOARD_BLOCKS 16
#define SY_SACK_DUPTHRESH    3 /* RFC 6675 §2 DupThresh */
#define SY_SACK_RXT_MARKS    16

/* A retransmission in recovery: its range and SND.MAX when it was sent (the fence). */
struct sy_sack_rxt {
    uint32_t start, end, fence;
};

struct sy_sack_board {
    struct sy_sack_block blk[SY_SACK_BOARD_BLOCKS]; /* sorted, disjoint, above SND.UNA */
    unsigned n;
    uint32_t high_rxt; /* RFC 6675 HighRxt: the highest sequence number retransmitted */
    struct sy_sack_rxt rxt[SY_SACK_RXT_MARKS]; /* oldest first */
    unsigned nrxt;
};

void sy_sack_reset(struct sy_sack_board *b, uint32_t snd_una);
/* Forget what lies below SND.UNA (it is acknowledged). */
void sy_sack_advance(struct sy_sack_board *b, uint32_t snd_una);
/* Merge the blocks of an ACK; blocks outside (SND.UNA, SND.MAX] (old, D-SACK, or bogus) are
 * ignored (RFC 2883 §4, RFC 6675 §4). True when the ACK brought new SACK information. */
bool sy_sack_update(struct sy_sack_board *b, const struct sy_tcp_opts *o, uint32_t snd_una,
                    uint32_t snd_max);
/* RFC 6675 §4 IsLost(SND.UNA): the first hole is lost. */
bool sy_sack_first_lost(const struct sy_sack_board *b, uint32_t snd_una, uint32_t mss);
/* RFC 6675 §4 SetPipe(): octets believed in the network. */
uint32_t sy_sack_pipe(const struct sy_sack_board *b, uint32_t snd_una, uint32_t snd_max,
                      uint32_t mss);
/* RFC 6675 §4 NextSeg() rules (1) and (3): the next range to retransmit, at most mss long.
 * `lost_only` selects rule (1); otherwise rule (3). False when there is none. */
bool sy_sack_next_rtx(const struct sy_sack_board *b, uint32_t snd_una, uint32_t mss, bool lost_only,
                      uint32_t *seq, uint32_t *len);
/* Remember a retransmission of [start, end) made while SND.MAX was fence. */
void sy_sack_note_rxt(struct sy_sack_board *b, uint32_t start, uint32_t end, uint32_t fence);
/* Was the retransmission of the first hole (at SND.UNA) lost too? Yes when the receiver has
 * SACKed DupThresh segments of data sent after it (above its fence) while SND.UNA still waits
 * for it: the same evidence IsLost() takes, applied to the retransmission (the idea of RACK,
 * RFC 8985 §3, counted in sequence space). Then *seq and *len say what to send again, and the
 * mark's fence moves to new_fence (SND.MAX now) for the next copy. */
bool sy_sack_rxt_lost(struct sy_sack_board *b, uint32_t snd_una, uint32_t mss, uint32_t new_fence,
                      uint32_t *seq, uint32_t *len);
/* Bytes SACKed in all. */
uint32_t sy_sack_bytes(const struct sy_sack_board *b);

#endif
