#!/usr/bin/perl
# tests/interop/urgent_peer.pl - the kernel's side of interop/urgent_listen: a TCP client that
# sends urgent data as a BSD sockets program does, with send(..., MSG_OOB), which socat cannot.
# Only perl-base (Socket), which every Debian system has.
#
#   urgent_peer.pl HOST PORT BEFORE URGENT AFTER
#
# Connects to HOST:PORT; sends the file BEFORE, then the file URGENT with MSG_OOB (Linux puts the
# urgent pointer after its last octet), then the file AFTER, each with its own send() calls;
# shuts its sending side down (FIN) and copies what arrives to standard output with plain reads,
# as socat does: without SO_OOBINLINE (and with net.ipv4.tcp_stdurg=0, Linux's default) the
# octet before the peer's urgent pointer is taken out of the stream. Where a read stops at the
# urgent mark (SIOCATMARK) it says so on standard error, "urgent mark after octet N" (N octets
# read so far). Exit 0 at the peer's FIN; non-zero with the reason on standard error.
use strict;
use warnings;
use Socket qw(AF_INET SOCK_STREAM IPPROTO_TCP MSG_OOB inet_aton pack_sockaddr_in);

my $SIOCATMARK = 0x8905;    # <linux/sockios.h>
my $SHUT_WR = 1;

@ARGV == 5 or die "usage: urgent_peer.pl HOST PORT BEFORE URGENT AFTER\n";
my ($host, $port, @files) = @ARGV;
my @parts = map { slurp($_) } @files;
length $parts[1] or die "urgent_peer: the urgent data is empty\n";

socket(my $s, AF_INET, SOCK_STREAM, IPPROTO_TCP) or die "urgent_peer: socket: $!\n";
my $addr = inet_aton($host) or die "urgent_peer: bad address $host\n";
connect($s, pack_sockaddr_in($port, $addr)) or die "urgent_peer: connect to $host:$port: $!\n";
send_all($s, $parts[0], 0);
send_all($s, $parts[1], MSG_OOB);
send_all($s, $parts[2], 0);
shutdown($s, $SHUT_WR) or die "urgent_peer: shutdown: $!\n";

binmode STDOUT;
my ($total, $marked) = (0, -1);
while (1) {
    my $n = sysread($s, my $buf, 65536);
    defined $n or die "urgent_peer: read: $!\n";
    last if $n == 0;
    $total += $n;
    write_all(\*STDOUT, $buf);
    if ($total != $marked && at_mark($s)) {
        print STDERR "urgent mark after octet $total\n";
        $marked = $total;
    }
}
close($s);
exit 0;

sub slurp {
    my ($file) = @_;
    open(my $f, '<:raw', $file) or die "urgent_peer: $file: $!\n";
    local $/;
    my $data = <$f>;
    close($f);
    return defined $data ? $data : '';
}

sub send_all {
    my ($sock, $data, $flags) = @_;
    while (length $data) {
        my $n = send($sock, $data, $flags);
        defined $n or die "urgent_peer: send: $!\n";
        substr($data, 0, $n) = '';
    }
}

sub write_all {
    my ($fh, $data) = @_;
    while (length $data) {
        my $n = syswrite($fh, $data);
        defined $n or die "urgent_peer: standard output: $!\n";
        substr($data, 0, $n) = '';
    }
}

# sockatmark(3): the next octet read is the one the urgent pointer marks.
sub at_mark {
    my ($sock) = @_;
    my $v = pack('i', 0);
    ioctl($sock, $SIOCATMARK, $v) or die "urgent_peer: SIOCATMARK: $!\n";
    return unpack('i', $v) != 0;
}
