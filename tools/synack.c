/* synack — the command-line tool: `synack demo`, `synack listen`, `synack connect` and help. */
#include <stdio.h>
#include <string.h>

#include "demo.h"
#include "nc.h"
#include "nc_opts.h"

#define SYNACK_TOOL_VERSION "0.1.0"

static void usage(FILE *f)
{
    fputs("usage: synack <command> [options]\n"
          "\n"
          "synack is a userspace TCP/IPv4 stack; this tool shows it at work.\n"
          "\n"
          "commands:\n"
          "  demo        a TCP client and server, two synack stacks joined by a simulated link,\n"
          "              drawn as a ladder diagram: the 3-way handshake (SYN, SYN,ACK, ACK),\n"
          "              data, the 4-way close (FIN, ACK, FIN, ACK) and the TCP states of both\n"
          "              sides. --scenario NAME runs other paths (simultaneous open and close,\n"
          "              half-close, refused, lost SYN, lost FIN, abort, TIME-WAIT, and a\n"
          "              bulk transfer over a lossy link), --list names them, --format json\n"
          "              prints every event as a JSON line.\n"
          "  listen PORT\n"
          "              like netcat -l: the stack on a TUN device (synack0, at 10.7.0.2; the\n"
          "              kernel side 10.7.0.1/24) waits for a connection on PORT; standard\n"
          "              input goes to it and what arrives goes to standard output.\n"
          "              --keep-open serves many at once, --echo sends back what arrives.\n"
          "  connect HOST PORT\n"
          "              like netcat: a connection from the stack to HOST:PORT (the kernel\n"
          "              at 10.7.0.1, say), standard input to it, what arrives to standard\n"
          "              output.\n"
          "  help [CMD]  this help, or a command's\n"
          "\n"
          "options:\n"
          "  -h, --help  show this help and exit\n"
          "  --version   print the version and exit\n"
          "\n"
          "Run 'synack demo --help' for the demo's options and scenarios, 'synack listen --help'\n"
          "for those of listen and connect (the device, --pcap, --trace, the TCP settings).\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
        (strcmp(cmd, "help") == 0 && argc == 2)) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "help") == 0 && strcmp(argv[2], "demo") == 0) {
        demo_usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "help") == 0 &&
        (strcmp(argv[2], "listen") == 0 || strcmp(argv[2], "connect") == 0)) {
        nc_usage(stdout, strcmp(argv[2], "listen") == 0 ? NC_LISTEN : NC_CONNECT);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("synack %s\n", SYNACK_TOOL_VERSION);
        return 0;
    }
    if (strcmp(cmd, "demo") == 0) return demo_main(argc - 1, argv + 1);
    if (strcmp(cmd, "listen") == 0 || strcmp(cmd, "connect") == 0)
        return nc_main(argc - 1, argv + 1);
    if (strcmp(cmd, "help") == 0)
        fprintf(stderr, "synack: no command named '%s'\n", argv[2]);
    else if (cmd[0] == '-')
        fprintf(stderr, "synack: unknown option '%s'\n", cmd);
    else
        fprintf(stderr, "synack: unknown command '%s'\n", cmd);
    fprintf(stderr, "Try 'synack --help'.\n");
    return 2;
}
