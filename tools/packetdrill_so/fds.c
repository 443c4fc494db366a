/* libsynack_packetdrill.so — descriptors packetdrill can close.
 *
 * When a script ends with sockets still open, packetdrill closes their descriptors with the
 * real close(2), not through the interface, and dies if that fails. So each synack socket is
 * handed out under the number of a real descriptor that the library holds open on /dev/null:
 * packetdrill's close then succeeds (synack's socket stays until the interface is freed), and
 * the numbers never collide with packetdrill's own files. Calls translate the number back.
 */
#include "adapter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int pd_fd_new(struct pd *pd, int sock)
{
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    if (fd >= PD_MAX_FDS) {
        close(fd);
        return -EMFILE;
    }
    pthread_mutex_lock(&pd->fd_lock);
    pd->fd_map[fd] = sock;
    pthread_mutex_unlock(&pd->fd_lock);
    return fd;
}

int pd_fd_sock(struct pd *pd, int fd)
{
    if (fd < 0 || fd >= PD_MAX_FDS) return -EBADF;
    pthread_mutex_lock(&pd->fd_lock);
    int sock = pd->fd_map[fd];
    pthread_mutex_unlock(&pd->fd_lock);
    return sock >= 0 ? sock : -EBADF;
}

void pd_fd_release(struct pd *pd, int fd)
{
    if (fd < 0 || fd >= PD_MAX_FDS) return;
    pthread_mutex_lock(&pd->fd_lock);
    bool held = pd->fd_map[fd] >= 0;
    pd->fd_map[fd] = -1;
    pthread_mutex_unlock(&pd->fd_lock);
    if (held) close(fd);
}

void pd_fds_init(struct pd *pd)
{
    for (int i = 0; i < PD_MAX_FDS; i++)
        pd->fd_map[i] = -1;
}

/* At the end, the real descriptors still held. One that packetdrill closed may since have been
 * reused for a file of its own: only /dev/null is closed. */
void pd_fds_free(struct pd *pd)
{
    struct stat null;
    if (stat("/dev/null", &null)) return;
    for (int fd = 0; fd < PD_MAX_FDS; fd++) {
        struct stat st;
        if (pd->fd_map[fd] >= 0 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) &&
            st.st_rdev == null.st_rdev)
            close(fd);
    }
}
