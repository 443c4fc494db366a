/* wire — names for parser results, for counters, traces and test messages. */
#include "wire/wire.h"

const char *sy_wire_err_name(enum sy_wire_err e)
{
    switch (e) {
    case SY_WIRE_OK: return "ok";
    case SY_WIRE_TRUNCATED: return "truncated";
    case SY_WIRE_BAD_VERSION: return "bad_version";
    case SY_WIRE_BAD_IHL: return "bad_ihl";
    case SY_WIRE_BAD_TOTAL_LEN: return "bad_total_len";
    case SY_WIRE_BAD_CHECKSUM: return "bad_checksum";
    case SY_WIRE_BAD_DATA_OFF: return "bad_data_off";
    case SY_WIRE_BAD_OPTION: return "bad_option";
    case SY_WIRE_NO_SPACE: return "no_space";
    case SY_WIRE_ERR_COUNT: break;
    }
    return "unknown";
}
