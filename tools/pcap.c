/* synack CLI — the classic pcap file format: a global header, then a record header and the
 * bytes of each packet, all in the writer's byte order (readers tell it from the magic). */
#include "pcap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCAP_BUFFER (256 * 1024)

struct pcap_file {
    FILE *f;
    int error;
    uint64_t packets;
    char buf[PCAP_BUFFER];
};

static int put(struct pcap_file *p, const void *data, size_t len)
{
    if (p->error) return p->error;
    if (len && fwrite(data, 1, len, p->f) != len) p->error = errno ? -errno : -EIO;
    return p->error;
}

int pcap_file_open(const char *path, struct pcap_file **out)
{
    return pcap_file_open_link(path, PCAP_LINKTYPE_RAW, out);
}

int pcap_file_open_link(const char *path, uint32_t linktype, struct pcap_file **out)
{
    *out = NULL;
    struct pcap_file *p = calloc(1, sizeof(*p));
    if (!p) return -ENOMEM;
    p->f = fopen(path, "wb");
    if (!p->f) {
        int err = -errno;
        free(p);
        return err;
    }
    setvbuf(p->f, p->buf, _IOFBF, sizeof(p->buf));
    struct {
        uint32_t magic;
        uint16_t major, minor;
        int32_t thiszone;
        uint32_t sigfigs, snaplen, linktype;
    } h = {PCAP_MAGIC, PCAP_VERSION_MAJOR, PCAP_VERSION_MINOR, 0, 0, PCAP_SNAPLEN, linktype};
    _Static_assert(sizeof(h) == 24, "the pcap file header is 24 bytes");
    int err = put(p, &h, sizeof(h));
    if (!err) err = pcap_file_flush(p);
    if (err) {
        pcap_file_close(p);
        return err;
    }
    *out = p;
    return 0;
}

int pcap_file_write_at(struct pcap_file *p, const uint8_t *packet, size_t len, uint64_t unix_usec)
{
    size_t incl = len > PCAP_SNAPLEN ? PCAP_SNAPLEN : len;
    uint32_t rec[4] = {(uint32_t)(unix_usec / 1000000), (uint32_t)(unix_usec % 1000000),
                       (uint32_t)incl, (uint32_t)len};
    int err = put(p, rec, sizeof(rec));
    if (!err) err = put(p, packet, incl);
    if (!err) p->packets++;
    return err;
}

int pcap_file_write(struct pcap_file *p, const uint8_t *packet, size_t len)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t usec = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
    return pcap_file_write_at(p, packet, len, usec);
}

int pcap_file_flush(struct pcap_file *p)
{
    if (!p->error && fflush(p->f) != 0) p->error = errno ? -errno : -EIO;
    return p->error;
}

int pcap_file_close(struct pcap_file *p)
{
    if (!p) return 0;
    int err = pcap_file_flush(p);
    if (fclose(p->f) != 0 && !err) err = errno ? -errno : -EIO;
    free(p);
    return err;
}

uint64_t pcap_file_packets(const struct pcap_file *p)
{
    return p->packets;
}
