/* Group commit, the queue and its leader (the SQLite store writes the
 * groups). A caller queues its item; if no group is being written it
 * becomes the leader: it takes every queued item, has them written in one
 * go (one transaction, one sync), sets each one's result and wakes its
 * waiters. Items that arrive meanwhile wait for the next leader (the first
 * of them). A lone item is written by its own thread with no hand-over.
 *
 * Commit delay: a sync costs about the same for one item as for eight,
 * but a leader that takes whatever is queued splits closed-loop clients
 * into halves that take turns: one half waits for the sync while the other
 * is on the network, and each sync carries only half of them. So the
 * leader first waits, at most the commit delay, until its group is as
 * large as the largest group of the last 100 ms (counting at most 8): the
 * halves merge and each sync carries all of them. A lone client never
 * waits (its groups hold one item), and when clients leave, the target
 * falls back after the window. Each waiter sleeps on its own condition
 * variable and is woken only when its group is written or when it leads
 * the next. One queue per process. */
#ifndef GW_GROUP_COMMIT_H
#define GW_GROUP_COMMIT_H
#include <pthread.h>

typedef struct gc_job {
    const void *item;
    int result; /* set by the writer */
    int done;
    pthread_cond_t wake;
    struct gc_job *next;
} gc_job;

/* Writes a group (linked by `next`, in arrival order) and sets each job's
 * result. Runs on the leader's thread, outside the queue's lock. */
typedef void (*gc_write_fn)(void *arg, gc_job *group);

/* Queues `item` and returns its result once its group is written (by this
 * thread or another); -1 if the writer never saw it. */
int group_commit(const void *item, gc_write_fn write_group, void *arg);
/* The default commit delay: shorter than a group's commit on the
 * development VM (see the gateway README), so a wait never costs more than
 * the sync it saves. */
#define GROUP_COMMIT_DEFAULT_DELAY_US 500
/* The longest wait for a fuller group, in microseconds (0: never wait);
 * default GROUP_COMMIT_DEFAULT_DELAY_US. Set before the first group_commit. */
void group_commit_delay(int us);
#endif
