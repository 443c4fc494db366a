/* synack-packetdrill — play packetdrill scripts against synack (README.md).
 *
 *   synack-packetdrill [--known-failures FILE] [--profile default|freebsd] [--skip-missing]
 *                      [--verbose] [--list-sysctls] PATH...
 *
 * Each PATH is a script or a folder (searched recursively for *.pkt, in sorted order). One line
 * per script, "PASS path" or "FAIL path: reason", then per PATH and in total "N passed, M
 * failed". Exit status 0 only when every script passed, or with --known-failures when exactly
 * the listed scripts failed (a listed script that passes is an error too: take it off the list).
 * --profile freebsd: the stack starts from synack_config_init_freebsd(), FreeBSD's choices where
 * the RFCs leave them free (option layout, window scale, buffer rounding, receive windows), for
 * scripts written against FreeBSD; their sysctl lines then apply on top. --verbose: each event, packet in and out on stderr. --skip-missing: exit 77 (a skipped
 * test for CTest) when a PATH does not exist. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "known.h"
#include "parse.h"
#include "run.h"
#include "scan.h"
#include "sysctl.h"

#define PD_SKIP_STATUS 77

struct tally {
    unsigned passed, failed, known, unexpected_pass;
};

/* A reason quotes script text: keep the output one printable line. */
static void printable(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e) *s = '?';
}

static void run_one(const char *path, const struct pd_run_opts *o, const struct pd_known *known,
                    struct tally *t)
{
    struct pd_script s;
    struct pd_error err = {0};
    char reason[PD_REASON_SIZE];
    int rc;
    if (pd_script_load(path, &s, &err) < 0) {
        snprintf(reason, sizeof reason, "script line %d: %s", err.line, err.msg);
        rc = -1;
    } else {
        rc = pd_run_script(&s, o, reason, sizeof reason);
    }
    pd_script_free(&s);
    printable(reason);
    const char *listed = pd_known_reason(known, path);
    if (rc == 0 && listed) {
        t->unexpected_pass++;
        printf("PASS %s (listed as a known failure: take it off the list)\n", path);
    } else if (rc == 0) {
        t->passed++;
        printf("PASS %s\n", path);
    } else if (listed) {
        t->failed++;
        t->known++;
        printf("FAIL %s: %s (known failure)\n", path, reason);
    } else {
        t->failed++;
        printf("FAIL %s: %s\n", path, reason);
    }
}

static void print_tally(const char *what, const struct tally *t, bool with_known)
{
    printf("%s: %u passed, %u failed", what, t->passed + t->unexpected_pass, t->failed);
    if (with_known)
        printf(" (%u known failures, %u new failures, %u known failures now passing)", t->known,
               t->failed - t->known, t->unexpected_pass);
    printf("\n");
}

static int usage(void)
{
    fprintf(stderr, "usage: synack-packetdrill [--known-failures FILE] [--profile default|freebsd] "
                    "[--skip-missing] [--verbose] [--list-sysctls] PATH...\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct pd_known known = {0};
    struct pd_run_opts opts = {.freebsd = false};
    bool skip_missing = false, with_known = false;
    int first = 1;
    for (; first < argc && !strncmp(argv[first], "--", 2); first++) {
        if (!strcmp(argv[first], "--list-sysctls")) {
            pd_sysctl_print(stdout);
            return 0;
        } else if (!strcmp(argv[first], "--profile") && first + 1 < argc) {
            const char *l = argv[++first];
            if (strcmp(l, "default") && strcmp(l, "freebsd")) return usage();
            opts.freebsd = !strcmp(l, "freebsd");
        } else if (!strcmp(argv[first], "--verbose")) {
            opts.verbose = true;
        } else if (!strcmp(argv[first], "--skip-missing")) {
            skip_missing = true;
        } else if (!strcmp(argv[first], "--known-failures") && first + 1 < argc) {
            if (pd_known_load(&known, argv[++first]) < 0) return 2;
            with_known = true;
        } else {
            return usage();
        }
    }
    if (first == argc) return usage();
    struct tally total = {0};
    int status = 0;
    for (int i = first; i < argc; i++) {
        struct pd_paths paths = {0};
        if (pd_scan(argv[i], &paths) < 0) {
            fprintf(stderr, "synack-packetdrill: %s: no such script or folder\n", argv[i]);
            pd_known_free(&known);
            return skip_missing ? PD_SKIP_STATUS : 2;
        }
        struct tally t = {0};
        for (size_t k = 0; k < paths.n; k++)
            run_one(paths.v[k], &opts, &known, &t);
        pd_paths_free(&paths);
        print_tally(argv[i], &t, with_known);
        total.passed += t.passed;
        total.failed += t.failed;
        total.known += t.known;
        total.unexpected_pass += t.unexpected_pass;
    }
    print_tally("total", &total, with_known);
    if (with_known)
        status = total.failed != total.known || total.unexpected_pass;
    else
        status = total.failed != 0;
    pd_known_free(&known);
    return status;
}
