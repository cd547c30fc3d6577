#define _POSIX_C_SOURCE 200809L
#include "wffile.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util.h"

/* Workflow files in the cache, at most (others are read each time). */
#define CACHE_MAX 64
/* A file modified this recently is not cached: a second edit within the
 * file system's timestamp granularity could keep the same size and time
 * (the "racy" case), and would then go unseen. */
#define SETTLED_NS 2000000000LL

typedef struct {
    char *path;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    char *text;
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static entry cache[CACHE_MAX];
static int cache_n;

static int same(const entry *e, const struct stat *st) {
    return e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size &&
           e->mtime.tv_sec == st->st_mtim.tv_sec && e->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

static int settled(const struct stat *st) {
    struct timespec now;
    long long age;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0) return 0;
    age = (long long)(now.tv_sec - st->st_mtim.tv_sec) * 1000000000LL +
          (now.tv_nsec - st->st_mtim.tv_nsec);
    return age >= SETTLED_NS;
}

char *wffile_read(const char *path, size_t max) {
    struct stat st;
    char *text, *copy = NULL;
    int i;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return NULL;
    pthread_mutex_lock(&lock);
    for (i = 0; i < cache_n; i++) {
        if (strcmp(cache[i].path, path) != 0) continue;
        if (same(&cache[i], &st)) copy = xstrndup(cache[i].text, (size_t)cache[i].size);
        break;
    }
    pthread_mutex_unlock(&lock);
    if (copy) return copy;
    text = read_file(path, max, NULL);
    /* Cached only when what was read is what stat() saw, and settled. */
    if (!text || strlen(text) != (size_t)st.st_size || !settled(&st)) return text;
    pthread_mutex_lock(&lock);
    for (i = 0; i < cache_n; i++)
        if (strcmp(cache[i].path, path) == 0) break;
    if (i < CACHE_MAX) {
        char *p = i < cache_n ? cache[i].path : xstrndup(path, strlen(path));
        char *t = xstrndup(text, (size_t)st.st_size);
        if (p && t) {
            if (i < cache_n) free(cache[i].text);
            cache[i].path = p;
            cache[i].dev = st.st_dev;
            cache[i].ino = st.st_ino;
            cache[i].size = st.st_size;
            cache[i].mtime = st.st_mtim;
            cache[i].text = t;
            if (i == cache_n) cache_n++;
        } else {
            if (i == cache_n) free(p);
            free(t);
        }
    }
    pthread_mutex_unlock(&lock);
    return text;
}

void wffile_clear(void) {
    int i;
    pthread_mutex_lock(&lock);
    for (i = 0; i < cache_n; i++) {
        free(cache[i].path);
        free(cache[i].text);
    }
    cache_n = 0;
    pthread_mutex_unlock(&lock);
}
