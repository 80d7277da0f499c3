/*
 * Power-cut model for test/e2e/power-cut.test.ts, loaded into the gateway with LD_PRELOAD.
 *
 * What survives a power cut is what was fsynced: this library keeps a shadow copy of the
 * state directory ($POWERCUT_REAL) in $POWERCUT_SHADOW that changes only when the process
 * fsyncs. fsync/fdatasync of a file copies the file's content into the shadow; fsync of a
 * directory copies in the entries the shadow does not have yet (a rename made durable — the
 * file's content was synced under its temporary name before, POSIX rename(2) + fsync(2) of
 * the directory). Killing the process and starting it again on the shadow is a power cut at
 * that instant. The SQLite shared-memory index (-shm) is never copied: it is rebuilt on open.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void mkdirs(const char *dir) {
  char p[PATH_MAX];
  snprintf(p, sizeof p, "%s", dir);
  for (char *c = p + 1; *c; c++) {
    if (*c != '/') continue;
    *c = 0;
    mkdir(p, 0700);
    *c = '/';
  }
  mkdir(p, 0700);
}

/* Copies src over dst through a temporary name, so the shadow never holds half a copy. */
static void copy_file(const char *src, const char *dst) {
  char tmp[PATH_MAX + 16];
  snprintf(tmp, sizeof tmp, "%s.pc-tmp", dst);
  int in = open(src, O_RDONLY | O_CLOEXEC);
  if (in < 0) return;
  int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) { close(in); return; }
  char buf[65536];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0) {
    if (write(out, buf, (size_t)n) != n) break;
  }
  close(in);
  close(out);
  rename(tmp, dst);
}

static void mirror(int fd) {
  const char *real = getenv("POWERCUT_REAL");
  const char *shadow = getenv("POWERCUT_SHADOW");
  if (real == NULL || shadow == NULL) return;
  char link[64], path[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return;
  path[n] = 0;
  size_t rl = strlen(real);
  if (strncmp(path, real, rl) != 0 || (path[rl] != '/' && path[rl] != 0)) return;
  if (ends_with(path, "-shm")) return;
  char dst[PATH_MAX];
  snprintf(dst, sizeof dst, "%s%s", shadow, path + rl);
  struct stat st;
  if (fstat(fd, &st) != 0) return;
  if (S_ISREG(st.st_mode)) {
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", dst);
    char *slash = strrchr(parent, '/');
    if (slash != NULL) { *slash = 0; mkdirs(parent); }
    copy_file(path, dst);
    return;
  }
  if (!S_ISDIR(st.st_mode)) return;
  mkdirs(dst);
  DIR *d = opendir(path);
  if (d == NULL) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || ends_with(e->d_name, "-shm")) continue;
    char from[PATH_MAX], to[PATH_MAX];
    snprintf(from, sizeof from, "%s/%s", path, e->d_name);
    snprintf(to, sizeof to, "%s/%s", dst, e->d_name);
    struct stat es, ts;
    if (stat(from, &es) != 0) continue;
    if (S_ISDIR(es.st_mode)) { mkdirs(to); continue; }
    if (S_ISREG(es.st_mode) && stat(to, &ts) != 0) copy_file(from, to);
  }
  closedir(d);
}

/* The real call, then the shadow updated (under a lock: libuv's pool runs fsyncs in parallel). */
static int synced(int (*real)(int), int fd) {
  int r = real(fd);
  int saved = errno;
  pthread_mutex_lock(&lock);
  mirror(fd);
  pthread_mutex_unlock(&lock);
  errno = saved;
  return r;
}

int fsync(int fd) {
  static int (*real_fsync)(int);
  if (real_fsync == NULL) real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  return synced(real_fsync, fd);
}

int fdatasync(int fd) {
  static int (*real_fdatasync)(int);
  if (real_fdatasync == NULL) real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  return synced(real_fdatasync, fd);
}
