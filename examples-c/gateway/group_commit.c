#define _POSIX_C_SOURCE 200809L
#include "group_commit.h"

#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "util.h"

/* How long the largest recent group stays the target. */
#define GROUP_WINDOW_US 100000
/* Past this many items a group's cost grows with its size (pages to write
 * and sync), so waiting to make it larger gains little. */
#define GROUP_TARGET_MAX 8

static struct {
    pthread_mutex_t lock;
    pthread_cond_t more; /* for a leader waiting for its group to fill up */
    gc_job *head, *tail;
    int queued;          /* jobs in the queue */
    int leading;         /* a leader is waiting or writing */
    int waiting;         /* the leader waits for a fuller group */
    int target;          /* the largest recent group */
    uint64_t target_at;  /* when a group last reached it */
} gc = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0, 0, 0, 1, 0};

static int delay_us = GROUP_COMMIT_DEFAULT_DELAY_US;
static pthread_once_t once = PTHREAD_ONCE_INIT;

void group_commit_delay(int us) { delay_us = us < 0 ? 0 : us; }

/* The leader's wait is timed on the monotonic clock. */
static void init(void) {
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_destroy(&gc.more);
    pthread_cond_init(&gc.more, &a);
    pthread_condattr_destroy(&a);
}

/* Under gc.lock, as the leader: waits until the queue holds gc.target
 * jobs, at most delay_us. */
static void wait_for_group(void) {
    struct timespec until;
    if (delay_us == 0 || gc.queued >= gc.target) return;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += (long)delay_us * 1000;
    until.tv_sec += until.tv_nsec / 1000000000;
    until.tv_nsec %= 1000000000;
    gc.waiting = 1;
    while (gc.queued < gc.target)
        if (pthread_cond_timedwait(&gc.more, &gc.lock, &until) == ETIMEDOUT) break;
    gc.waiting = 0;
}

/* Under gc.lock: a group of n is taken. */
static void note_group(int n) {
    uint64_t now = mono_us();
    if (n > GROUP_TARGET_MAX) n = GROUP_TARGET_MAX;
    if (n >= gc.target || now - gc.target_at > GROUP_WINDOW_US) {
        gc.target = n;
        gc.target_at = now;
    }
}

int group_commit(const void *item, gc_write_fn write_group, void *arg) {
    gc_job me;
    pthread_once(&once, init);
    me.item = item;
    me.result = -1;
    me.done = 0;
    me.next = NULL;
    pthread_cond_init(&me.wake, NULL);
    pthread_mutex_lock(&gc.lock);
    if (gc.tail)
        gc.tail->next = &me;
    else
        gc.head = &me;
    gc.tail = &me;
    gc.queued++;
    if (gc.waiting && gc.queued >= gc.target) pthread_cond_signal(&gc.more);
    while (!me.done) {
        gc_job *group, *j, *next;
        if (gc.leading) {
            pthread_cond_wait(&me.wake, &gc.lock);
            continue;
        }
        gc.leading = 1;
        wait_for_group();
        group = gc.head;
        note_group(gc.queued);
        gc.head = gc.tail = NULL;
        gc.queued = 0;
        pthread_mutex_unlock(&gc.lock);
        write_group(arg, group);
        pthread_mutex_lock(&gc.lock);
        for (j = group; j; j = next) {
            next = j->next; /* a woken job may return at once */
            j->done = 1;
            if (j != &me) pthread_cond_signal(&j->wake);
        }
        gc.leading = 0;
        /* The first of those queued meanwhile leads the next group. */
        if (gc.head) pthread_cond_signal(&gc.head->wake);
    }
    pthread_mutex_unlock(&gc.lock);
    pthread_cond_destroy(&me.wake);
    return me.result;
}
