/* wire — results shared by every parser of the wire layer. */
#ifndef SY_WIRE_H
#define SY_WIRE_H

/* Why a parser rejected its input. SY_WIRE_OK is 0. */
enum sy_wire_err {
    SY_WIRE_OK = 0,
    SY_WIRE_TRUNCATED,     /* shorter than the fixed header */
    SY_WIRE_BAD_VERSION,   /* IPv4: version is not 4 */
    SY_WIRE_BAD_IHL,       /* IPv4: IHL below 5 or past the end */
    SY_WIRE_BAD_TOTAL_LEN, /* IPv4: total length below the header or above the buffer */
    SY_WIRE_BAD_CHECKSUM,  /* a checksum does not verify */
    SY_WIRE_BAD_DATA_OFF,  /* TCP: data offset below 5 or past the end */
    SY_WIRE_BAD_OPTION,    /* TCP: an option's length is 0, 1, overruns, or is wrong for its kind */
    SY_WIRE_NO_SPACE,      /* emit: the caller's buffer is too small */
    SY_WIRE_ERR_COUNT
};

const char *sy_wire_err_name(enum sy_wire_err e);

#endif
