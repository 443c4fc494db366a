/* tcp — a segment for no connection: RFC 9293 §3.10.7.1 (state CLOSED). */
#include "tcp/tcb.h"

/* "If the state is CLOSED (i.e., TCB does not exist) then all data in the incoming segment is
 * discarded. An incoming segment containing a RST is discarded. An incoming segment not
 * containing a RST causes a RST to be sent in response." */
void sy_input_closed(struct synack_stack *s, const struct sy_seg *seg, synack_time_t now)
{
    sy_stack_drop(s, NULL, SYNACK_DROP_NO_CONN, now);
    sy_send_rst_reply(s, seg, SYNACK_RST_NO_CONN, now);
}
