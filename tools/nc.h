/* synack CLI — `synack listen PORT` and `synack connect HOST PORT`: netcat over the synack stack
 * on a TUN device, with the Linux kernel (or anything routed through it) as the peer. */
#ifndef SYNACK_TOOLS_NC_H
#define SYNACK_TOOLS_NC_H

/* argv[0] is "listen" or "connect". Returns the exit status (see nc_usage). */
int nc_main(int argc, char **argv);

#endif
