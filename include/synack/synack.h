/* synack — a userspace TCP/IPv4 stack. The umbrella header. */
#ifndef SYNACK_H
#define SYNACK_H

#include <synack/conn.h>
#include <synack/event.h>
#include <synack/loop.h>
#include <synack/sim.h>
#include <synack/socket.h>
#include <synack/stack.h>
#include <synack/state.h>
#include <synack/tun.h>
#include <synack/types.h>

#endif
