/* packetdrill runner — the FreeBSD shell commands the corpus runs in backquotes:
 *   sysctl -w KEY=VALUE                      a setting (sysctl.c)
 *   sockstat [-4|-6] -P tcp [-p PORT] -s ... | grep ... | grep -c STATE | grep N
 *                                            connections of the stack counted by state
 *   tcpdrop -s STATE                         drop the connections in a state
 * Anything else fails the script, naming the command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysctl.h"

#define PD_MAX_WORDS  32
#define PD_MAX_STAGES 8
#define PD_MAX_ROWS   512
#define PD_ROW_SIZE   128

struct rows {
    char line[PD_MAX_ROWS][PD_ROW_SIZE];
    int n;
};

static int split_words(char *s, char **w, int max)
{
    int n = 0;
    char *save = NULL;
    for (char *p = strtok_r(s, " \t\n", &save); p && n < max; p = strtok_r(NULL, " \t\n", &save))
        w[n++] = p;
    return n;
}

/* FreeBSD's names for the states (sys/netinet/tcp_fsm.h). */
static const char *bsd_state(enum synack_state s)
{
    static const char *const names[SYNACK_STATE_COUNT] = {
        [SYNACK_CLOSED] = "CLOSED",           [SYNACK_LISTEN] = "LISTEN",
        [SYNACK_SYN_SENT] = "SYN_SENT",       [SYNACK_SYN_RECEIVED] = "SYN_RCVD",
        [SYNACK_ESTABLISHED] = "ESTABLISHED", [SYNACK_CLOSE_WAIT] = "CLOSE_WAIT",
        [SYNACK_FIN_WAIT_1] = "FIN_WAIT_1",   [SYNACK_CLOSING] = "CLOSING",
        [SYNACK_LAST_ACK] = "LAST_ACK",       [SYNACK_FIN_WAIT_2] = "FIN_WAIT_2",
        [SYNACK_TIME_WAIT] = "TIME_WAIT"};
    return (unsigned)s < SYNACK_STATE_COUNT ? names[s] : "?";
}

static bool port_listed(const char *ports, unsigned port)
{
    if (!ports) return true;
    char buf[64], *save = NULL;
    snprintf(buf, sizeof buf, "%s", ports);
    for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
        if ((unsigned)atoi(p) == port) return true;
    return false;
}

static void add_row(struct rows *rows, const char *ports, unsigned lport, unsigned rport,
                    const char *state)
{
    if (rows->n == PD_MAX_ROWS || (!port_listed(ports, lport) && !port_listed(ports, rport)))
        return;
    snprintf(rows->line[rows->n++], PD_ROW_SIZE,
             "root packetdrill 1 3 tcp4 192.168.0.1:%u 192.0.2.1:%u %s", lport, rport, state);
}

/* Every connection of the stack, and every open socket without one (CLOSED, as FreeBSD lists a
 * socket whose connection has gone). */
static void sockstat_rows(struct pd_run *r, const char *ports, struct rows *rows)
{
    struct synack_conn *conns[PD_MAX_ROWS];
    size_t n = r->stack ? synack_stack_conns(r->stack, conns, PD_MAX_ROWS) : 0;
    for (size_t i = 0; i < n && i < PD_MAX_ROWS; i++) {
        struct synack_status st;
        if (synack_status(conns[i], &st) == 0)
            add_row(rows, ports, st.local.port, st.remote.port, bsd_state(st.state));
    }
    for (size_t i = 0; r->set && i < r->nsocks; i++) {
        const struct pd_sock *s = &r->socks[i];
        if (s->live_fd >= 0 && !s->closed && !synack_sock_conn(r->set, s->live_fd))
            add_row(rows, ports, s->local_port, 0, "CLOSED");
    }
}

/* grep [-c] PATTERN over rows (a plain substring: the corpus greps words and digits). */
static int grep(struct rows *rows, char **w, int n)
{
    bool count = n == 3 && !strcmp(w[1], "-c");
    if (n != 2 && !count) return -1;
    const char *pat = w[n - 1];
    int kept = 0;
    for (int i = 0; i < rows->n; i++)
        if (strstr(rows->line[i], pat)) memmove(rows->line[kept++], rows->line[i], PD_ROW_SIZE);
    rows->n = kept;
    if (count) {
        snprintf(rows->line[0], PD_ROW_SIZE, "%d", kept);
        rows->n = 1;
    }
    return kept > 0 ? 0 : 1; /* grep's exit status */
}

static int sockstat(struct pd_run *r, char **stage[], int nwords[], int nstages, const char *cmd)
{
    const char *ports = NULL;
    bool v6 = false;
    char **w = stage[0];
    for (int i = 1; i < nwords[0]; i++) {
        if (!strcmp(w[i], "-p") && i + 1 < nwords[0])
            ports = w[++i];
        else if (!strcmp(w[i], "-P") && i + 1 < nwords[0])
            i++;
        else
            v6 |= !strcmp(w[i], "-6");
    }
    struct rows *rows = calloc(1, sizeof(*rows));
    if (!rows) return pd_fail(r, "out of memory");
    if (!v6) sockstat_rows(r, ports, rows);
    int status = 0;
    for (int s = 1; s < nstages && status >= 0; s++)
        status = strcmp(stage[s][0], "grep") ? -1 : grep(rows, stage[s], nwords[s]);
    char got[PD_ROW_SIZE];
    snprintf(got, sizeof got, "%s", rows->n ? rows->line[0] : "nothing");
    free(rows);
    if (status < 0) return pd_fail(r, "unsupported command: %s", cmd);
    if (status > 0) return pd_fail(r, "`%s` failed (the last stage saw %s)", cmd, got);
    return 0;
}

static int tcpdrop(struct pd_run *r, char **w, int n, const char *cmd)
{
    if (n != 3 || strcmp(w[1], "-s")) return pd_fail(r, "unsupported command: %s", cmd);
    struct rows *rows = calloc(1, sizeof(*rows));
    if (!rows) return pd_fail(r, "out of memory");
    sockstat_rows(r, NULL, rows);
    char *pat[2] = {"grep", w[2]};
    int none = grep(rows, pat, 2);
    free(rows);
    if (none) return 0;
    return pd_fail(r, "tcpdrop: dropping a connection needs a stack call (not yet)");
}

static int sysctl(struct pd_run *r, char **w, int n, const char *cmd)
{
    if (n < 2) return pd_fail(r, "unsupported command: %s", cmd);
    for (int i = 1; i < n; i++) {
        if (!strcmp(w[i], "-w")) continue;
        char *eq = strchr(w[i], '=');
        if (!eq) return pd_fail(r, "unsupported command (sysctl read): %s", cmd);
        *eq = '\0';
        if (pd_sysctl_apply(r, w[i], eq + 1) < 0) return -1;
    }
    return 0;
}

int pd_command(struct pd_run *r, const char *cmd)
{
    if (strpbrk(cmd, ";&<>'\"$") || strlen(cmd) >= 1024)
        return pd_fail(r, "unsupported command: %s", cmd);
    char buf[1024], *words[PD_MAX_STAGES][PD_MAX_WORDS], **stage[PD_MAX_STAGES];
    int nwords[PD_MAX_STAGES], nstages = 0;
    snprintf(buf, sizeof buf, "%s", cmd);
    for (char *p = buf, *bar; p && nstages < PD_MAX_STAGES; p = bar ? bar + 1 : NULL) {
        bar = strchr(p, '|');
        if (bar) *bar = '\0';
        stage[nstages] = words[nstages];
        nwords[nstages] = split_words(p, words[nstages], PD_MAX_WORDS);
        if (!nwords[nstages++]) return pd_fail(r, "unsupported command: %s", cmd);
    }
    const char *prog = stage[0][0];
    if (!strcmp(prog, "sockstat")) return sockstat(r, stage, nwords, nstages, cmd);
    if (nstages > 1) return pd_fail(r, "unsupported command: %s", cmd);
    if (!strcmp(prog, "sysctl")) return sysctl(r, stage[0], nwords[0], cmd);
    if (!strcmp(prog, "tcpdrop")) return tcpdrop(r, stage[0], nwords[0], cmd);
    return pd_fail(r, "unsupported command: %s", cmd);
}
