/* The CLI's pcap writer (tools/pcap.c): the file header, each record's header and bytes, read
 * back as a reader would; long packets cut to the snap length; errors as negative errnos. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pcap.h"

static char path[64];

static int make_path(void **state)
{
    (void)state;
    snprintf(path, sizeof(path), "/tmp/synack-test-pcap-%ld.pcap", (long)getpid());
    return 0;
}

static int remove_path(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

static uint8_t *slurp(size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static uint32_t u32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint16_t u16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

static void test_pcap_header_and_records_read_back(void **state)
{
    (void)state;
    struct pcap_file *p;
    assert_int_equal(pcap_file_open(path, &p), 0);
    uint8_t a[20] = {0x45, 0, 0, 20}, b[40] = {0x45, 0, 0, 40, 1, 2, 3};
    assert_int_equal(pcap_file_write_at(p, a, sizeof(a), 1700000000123456ull), 0);
    assert_int_equal(pcap_file_write_at(p, b, sizeof(b), 1700000001000001ull), 0);
    assert_int_equal(pcap_file_write(p, a, sizeof(a)), 0);
    assert_int_equal(pcap_file_packets(p), 3);
    assert_int_equal(pcap_file_close(p), 0);

    size_t len;
    uint8_t *f = slurp(&len);
    assert_int_equal(len, 24 + (16 + 20) + (16 + 40) + (16 + 20));
    assert_int_equal(u32(f), 0xa1b2c3d4u);
    assert_int_equal(u16(f + 4), 2);
    assert_int_equal(u16(f + 6), 4);
    assert_int_equal(u32(f + 8), 0);
    assert_int_equal(u32(f + 12), 0);
    assert_int_equal(u32(f + 16), 65535);
    assert_int_equal(u32(f + 20), 101); /* LINKTYPE_RAW */
    const uint8_t *r = f + 24;
    assert_int_equal(u32(r), 1700000000u);
    assert_int_equal(u32(r + 4), 123456);
    assert_int_equal(u32(r + 8), 20);
    assert_int_equal(u32(r + 12), 20);
    assert_memory_equal(r + 16, a, sizeof(a));
    r += 16 + 20;
    assert_int_equal(u32(r), 1700000001u);
    assert_int_equal(u32(r + 4), 1);
    assert_int_equal(u32(r + 8), 40);
    assert_memory_equal(r + 16, b, sizeof(b));
    r += 16 + 40;
    assert_true(u32(r) > 1600000000u); /* the wall clock */
    assert_true(u32(r + 4) < 1000000);
    free(f);
}

/* The file is readable while it is being written once flushed. */
static void test_pcap_flush_makes_packets_visible(void **state)
{
    (void)state;
    struct pcap_file *p;
    assert_int_equal(pcap_file_open(path, &p), 0);
    uint8_t a[28] = {0x45};
    assert_int_equal(pcap_file_write(p, a, sizeof(a)), 0);
    assert_int_equal(pcap_file_flush(p), 0);
    size_t len;
    uint8_t *f = slurp(&len);
    assert_int_equal(len, 24 + 16 + 28);
    free(f);
    assert_int_equal(pcap_file_close(p), 0);
}

static void test_pcap_cuts_to_the_snap_length(void **state)
{
    (void)state;
    struct pcap_file *p;
    assert_int_equal(pcap_file_open(path, &p), 0);
    size_t big = 70000;
    uint8_t *pkt = calloc(1, big);
    assert_non_null(pkt);
    assert_int_equal(pcap_file_write_at(p, pkt, big, 0), 0);
    assert_int_equal(pcap_file_close(p), 0);
    size_t len;
    uint8_t *f = slurp(&len);
    assert_int_equal(len, 24 + 16 + 65535);
    assert_int_equal(u32(f + 24 + 8), 65535);
    assert_int_equal(u32(f + 24 + 12), 70000);
    free(f);
    free(pkt);
}

static void test_pcap_open_errors(void **state)
{
    (void)state;
    struct pcap_file *p = (void *)1;
    assert_int_equal(pcap_file_open("/nonexistent-dir/x.pcap", &p), -ENOENT);
    assert_null(p);
    assert_int_equal(pcap_file_close(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pcap_header_and_records_read_back, make_path,
                                        remove_path),
        cmocka_unit_test_setup_teardown(test_pcap_flush_makes_packets_visible, make_path,
                                        remove_path),
        cmocka_unit_test_setup_teardown(test_pcap_cuts_to_the_snap_length, make_path, remove_path),
        cmocka_unit_test(test_pcap_open_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
