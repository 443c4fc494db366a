/* synack CLI — parsing option values. */
#include "parse.h"

#include <errno.h>
#include <stdlib.h>

bool parse_size(const char *v, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10, end++;
    else if (*end == 'M' || *end == 'm')
        shift = 20, end++;
    else if (*end == 'G' || *end == 'g')
        shift = 30, end++;
    if (errno || end == v || *end || v[0] == '-' || n == 0 || n > (max >> shift)) return false;
    *out = (uint64_t)n << shift;
    return true;
}
