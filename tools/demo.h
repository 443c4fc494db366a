/* synack CLI — `synack demo`: a client and a server stack on a simulated link, drawn as a
 * ladder diagram (or printed as JSON lines). */
#ifndef SYNACK_TOOLS_DEMO_H
#define SYNACK_TOOLS_DEMO_H

#include <stdio.h>

/* argv[0] is "demo". Returns the exit status: 0, 1 (the run failed), 2 (wrong usage). */
int demo_main(int argc, char **argv);
void demo_usage(FILE *f);

#endif
