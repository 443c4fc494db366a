/* packetdrill runner — the symbolic constants a script may name (SOL_SOCKET, O_NONBLOCK, MSG_PEEK,
 * ECONNRESET, TCPI_ESTABLISHED, ...) with the values of this host, as the socket API takes them.
 * TCPI_* states use Linux's numbering, as TCP_INFO's tcpi_state does (include/synack/socket.h). */
#ifndef PD_SYMBOLS_H
#define PD_SYMBOLS_H

#include <stdbool.h>
#include <stdint.h>

bool pd_symbol_lookup(const char *name, int64_t *value);
/* The errno's name ("ECONNRESET"), or NULL. */
const char *pd_errno_name(int err);
/* The value of an errno name, or 0 when it is none. */
int pd_errno_lookup(const char *name);

#endif
