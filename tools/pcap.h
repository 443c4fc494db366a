/* synack CLI — a capture file in the classic pcap format (the one tcpdump -w writes): every
 * packet in and out of the stack, as bare IPv4 (LINKTYPE_RAW), stamped with the wall clock.
 * Written here rather than through libpcap: the format is a 24-byte header and a 16-byte header
 * per packet, and the tool keeps to libc. */
#ifndef SYNACK_TOOLS_PCAP_H
#define SYNACK_TOOLS_PCAP_H

#include <stddef.h>
#include <stdint.h>

#define PCAP_MAGIC             0xa1b2c3d4u /* microsecond timestamps */
#define PCAP_VERSION_MAJOR     2
#define PCAP_VERSION_MINOR     4
#define PCAP_LINKTYPE_RAW      101 /* the packet starts with its IPv4 (or IPv6) header */
#define PCAP_LINKTYPE_ETHERNET 1   /* an Ethernet II frame */
#define PCAP_SNAPLEN           65535

struct pcap_file;

/* Create (or truncate) path and write the file header. 0 or a negative errno. */
int pcap_file_open(const char *path, struct pcap_file **out);
/* The same with another link type (PCAP_LINKTYPE_ETHERNET for a TAP device's frames). */
int pcap_file_open_link(const char *path, uint32_t linktype, struct pcap_file **out);
/* One packet, stamped now (CLOCK_REALTIME) or at unix_usec. 0 or a negative errno (the first
 * write error; later writes are skipped). */
int pcap_file_write(struct pcap_file *p, const uint8_t *packet, size_t len);
int pcap_file_write_at(struct pcap_file *p, const uint8_t *packet, size_t len, uint64_t unix_usec);
/* Push what is buffered to the file, so that a reader sees every packet written so far. */
int pcap_file_flush(struct pcap_file *p);
/* Flush and close; 0 or the first error. NULL is allowed. */
int pcap_file_close(struct pcap_file *p);
uint64_t pcap_file_packets(const struct pcap_file *p);

#endif
