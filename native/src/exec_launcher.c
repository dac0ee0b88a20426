/*
 * vipkeeper-exec: runs one script with exactly the credentials it was
 * configured with, or not at all.
 *
 *   vipkeeper-exec UID GID GROUPS -- PROGRAM [ARG...]
 *
 * GROUPS is a comma-separated list of supplementary gids ("-" for none).
 * Node's spawn() with uid/gid calls setgroups(0, NULL), so it cannot give a
 * script its user's supplementary groups; this does setgroups → setgid →
 * setuid, checks each step and that root cannot be regained, resets the
 * signal mask and dispositions, and execs. Every failure exits with its own
 * status (below) before the script runs, and writes "STEP ERRNO\n" to fd 3
 * when the caller opened it (a pipe marked close-on-exec here, so an empty
 * pipe at exit means the exec happened). It never falls back to running
 * the script as root.
 *
 * The caller has already put us in our own session (setsid), so the script
 * keeps this pid as its process group and the caller can kill the group.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/prctl.h>
#include <unistd.h>

enum {
  EXIT_USAGE = 120,      /* bad arguments */
  EXIT_SETGROUPS = 121,  /* setgroups() failed */
  EXIT_SETGID = 122,     /* setgid() failed or did not take */
  EXIT_SETUID = 123,     /* setuid() failed or did not take */
  EXIT_REGAIN = 124,     /* root could be regained after dropping it */
  EXIT_SIGNALS = 125,    /* the signal mask could not be reset */
  EXIT_EXEC = 127        /* execv() failed (ENOENT, EACCES, ENOEXEC ...) */
};

#define MAX_GROUPS 65536

static void report(const char *step, int err) {
  char line[64];
  int n = snprintf(line, sizeof line, "%s %d\n", step, err);
  if (n > 0 && write(3, line, (size_t)n) < 0) { /* fd 3 not open: the exit status says it */ }
}

static int fail(int status, const char *step, int err) {
  report(step, err);
  _exit(status);
}

static int parse_id(const char *s, unsigned long *out) {
  char *end;
  if (*s < '0' || *s > '9') return -1;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno != 0 || *end != '\0' || v >= (unsigned long)(unsigned)-1) return -1;
  *out = v;
  return 0;
}

static int parse_groups(const char *s, gid_t *groups, size_t *n) {
  *n = 0;
  if (strcmp(s, "-") == 0) return 0;
  char *copy = strdup(s);
  if (copy == NULL) return -1;
  char *save = NULL;
  for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
    unsigned long g;
    if (*n >= MAX_GROUPS || parse_id(tok, &g) != 0) { free(copy); return -1; }
    groups[(*n)++] = (gid_t)g;
  }
  free(copy);
  return 0;
}

/*
 * Every descriptor above 3 is closed at exec: the daemon's own are
 * close-on-exec already, but whatever started the daemon (a shell, ssh, a
 * supervisor) may have left it open ones, which a script running as another
 * user must not get. close_range (Linux 5.11) marks them all at once; the
 * /proc/self/fd walk is the fallback.
 */
static int cloexec_from(int lowest) {
  if (close_range((unsigned)lowest, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return 0;
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL) return -1;
  int self = dirfd(d);
  for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
    char *end;
    long fd = strtol(e->d_name, &end, 10);
    if (*end != '\0' || fd < lowest || fd == self) continue;
    if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF) { closedir(d); return -1; }
  }
  closedir(d);
  return 0;
}

int main(int argc, char **argv) {
  static gid_t groups[MAX_GROUPS];
  unsigned long uid, gid;
  size_t ngroups;
  pid_t parent = getppid();

  /* fd 3, if open, must not survive a successful exec. */
  if (fcntl(3, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF) fail(EXIT_USAGE, "fcntl", errno);
  if (cloexec_from(4) != 0) fail(EXIT_USAGE, "cloexec", errno);
  if (argc < 6 || strcmp(argv[4], "--") != 0 || parse_id(argv[1], &uid) != 0 || parse_id(argv[2], &gid) != 0 ||
      parse_groups(argv[3], groups, &ngroups) != 0)
    fail(EXIT_USAGE, "usage", EINVAL);

  if (setgroups(ngroups, groups) != 0) fail(EXIT_SETGROUPS, "setgroups", errno);
  if (setgid((gid_t)gid) != 0) fail(EXIT_SETGID, "setgid", errno);
  if (getgid() != (gid_t)gid || getegid() != (gid_t)gid) fail(EXIT_SETGID, "setgid", EPERM);
  if (setuid((uid_t)uid) != 0) fail(EXIT_SETUID, "setuid", errno);
  if (getuid() != (uid_t)uid || geteuid() != (uid_t)uid) fail(EXIT_SETUID, "setuid", EPERM);
  if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) fail(EXIT_REGAIN, "regain", EPERM);
  if (uid != 0 && gid != 0 && (setgid(0) == 0 || setegid(0) == 0)) fail(EXIT_REGAIN, "regain", EPERM);

  /* A script inherits no blocked or ignored signal from us, so the caller's SIGTERM reaches it. */
  for (int s = 1; s < NSIG; s++) {
    if (s == SIGKILL || s == SIGSTOP) continue;
    signal(s, SIG_DFL); /* fails harmlessly for the numbers glibc reserves */
  }
  sigset_t none;
  sigemptyset(&none);
  if (sigprocmask(SIG_SETMASK, &none, NULL) != 0) fail(EXIT_SIGNALS, "sigprocmask", errno);

  /* If the daemon dies, the script gets SIGTERM (as keepalived does). Set after setuid, which clears it. */
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) fail(EXIT_SIGNALS, "parent", ESRCH);

  execv(argv[5], &argv[5]);
  return fail(EXIT_EXEC, "exec", errno);
}
