/* packetdrill runner — `sysctl -w KEY=VALUE` through one table of settings (sysctl.c). */
#ifndef PD_SYSCTL_H
#define PD_SYSCTL_H

#include <stdio.h>

#include "run.h"

/* Apply one setting; 0, or -1 (the script fails) for an unknown key or a bad value. */
int pd_sysctl_apply(struct pd_run *r, const char *key, const char *value);
/* The table as Markdown (README.md carries a copy). */
void pd_sysctl_print(FILE *out);

#endif
