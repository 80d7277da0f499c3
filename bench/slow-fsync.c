/*
 * A slow disk for bench/e2e.ts --fsync-ms: preloaded into the demo (LD_PRELOAD), every fsync(2)
 * and fdatasync(2) sleeps $SLOW_FSYNC_US microseconds before it runs, as on an SD card, where
 * one costs several milliseconds against well under one on this machine's disk. The sleep
 * blocks the calling thread, as the real wait does: SQLite's commits on the event loop, libuv's
 * fsyncs on its thread pool.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

static void pause_like_a_card(void) {
  const char *us = getenv("SLOW_FSYNC_US");
  if (us != NULL) usleep((useconds_t)atol(us));
}

int fsync(int fd) {
  static int (*real)(int);
  if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  pause_like_a_card();
  return real(fd);
}

int fdatasync(int fd) {
  static int (*real)(int);
  if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  pause_like_a_card();
  return real(fd);
}
