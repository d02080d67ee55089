/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>

#include "macro.h"
#include "worker.h"

/* Probing needs little stack; a small one keeps a 32-drive daemon's footprint down. */
#define WORKER_STACK_SIZE (256 * 1024)

/* How long shutdown waits for a worker stuck in a drive command (which may take the whole SG_IO timeout)
 * before leaving it to process exit. */
#define SHUTDOWN_GRACE_NSEC (250 * 1000000L)

typedef struct Job {
        worker_fn work;
        worker_done_fn done;
        void *userdata;
        struct Job *next;
} Job;

typedef struct JobQueue {
        Job *head;
        Job *tail;
} JobQueue;

struct WorkerPool {
        sd_event_source *event_source;
        int efd;

        pthread_mutex_t lock;
        pthread_cond_t cond;
        JobQueue pending;  /* waiting for a thread */
        JobQueue finished; /* waiting for done() on the loop */
        bool quit;

        pthread_t *threads;
        unsigned n_threads;
        unsigned max_threads;
        unsigned n_idle;
        WorkerPool *next_abandoned;
};

static void queue_push(JobQueue *q, Job *j) {
        j->next = NULL;
        if (q->tail)
                q->tail->next = j;
        else
                q->head = j;
        q->tail = j;
}

static Job *queue_pop(JobQueue *q) {
        Job *j = q->head;

        if (j) {
                q->head = j->next;
                if (!q->head)
                        q->tail = NULL;
        }
        return j;
}

static void *worker_main(void *arg) {
        WorkerPool *p = arg;

        pthread_mutex_lock(&p->lock);
        for (;;) {
                Job *j;

                while (!p->quit && !p->pending.head) {
                        p->n_idle++;
                        pthread_cond_wait(&p->cond, &p->lock);
                        p->n_idle--;
                }
                if (p->quit)
                        break;
                j = queue_pop(&p->pending);
                pthread_mutex_unlock(&p->lock);

                j->work(j->userdata);

                pthread_mutex_lock(&p->lock);
                queue_push(&p->finished, j);
                (void) eventfd_write(p->efd, 1);
        }
        pthread_mutex_unlock(&p->lock);
        return NULL;
}

static int on_finished(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        WorkerPool *p = userdata;
        eventfd_t v;
        Job *j;

        (void) eventfd_read(p->efd, &v);
        for (;;) {
                pthread_mutex_lock(&p->lock);
                j = queue_pop(&p->finished);
                pthread_mutex_unlock(&p->lock);
                if (!j)
                        break;
                j->done(j->userdata, false);
                free(j);
        }
        return 0;
}

int worker_pool_new(sd_event *event, unsigned max_threads, WorkerPool **ret) {
        WorkerPool *p;
        int r;

        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        pthread_mutex_init(&p->lock, NULL);
        pthread_cond_init(&p->cond, NULL);
        p->max_threads = MAX(max_threads, 1u);
        p->threads = calloc(p->max_threads, sizeof(pthread_t));
        p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (!p->threads || p->efd < 0) {
                r = p->efd < 0 ? negative_errno() : -ENOMEM;
                worker_pool_free(p);
                return r;
        }
        r = sd_event_add_io(event, &p->event_source, p->efd, EPOLLIN, on_finished, p);
        if (r < 0) {
                worker_pool_free(p);
                return r;
        }
        (void) sd_event_source_set_description(p->event_source, "worker-finished");
        *ret = p;
        return 0;
}

static int spawn_thread(WorkerPool *p) {
        pthread_attr_t attr;
        sigset_t all, old;
        int r;

        /* Signals belong to the event loop (sd_event_add_signal); threads never take them. */
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, WORKER_STACK_SIZE);
        r = -pthread_create(&p->threads[p->n_threads], &attr, worker_main, p);
        pthread_attr_destroy(&attr);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (r < 0)
                return r;
        p->n_threads++;
        return 0;
}

int worker_pool_submit(WorkerPool *p, worker_fn work, worker_done_fn done, void *userdata) {
        Job *j;
        int r = 0;

        j = calloc(1, sizeof(*j));
        if (!j)
                return -ENOMEM;
        *j = (Job){ .work = work, .done = done, .userdata = userdata };

        pthread_mutex_lock(&p->lock);
        queue_push(&p->pending, j);
        /* Threads are made on demand, up to the bound; an idle daemon has as many as it ever needed. */
        if (p->n_idle == 0 && p->n_threads < p->max_threads)
                r = spawn_thread(p);
        if (r < 0 && p->n_threads == 0) {
                /* No thread at all to run it: hand the job back, the caller still owns userdata. */
                p->pending = (JobQueue){};
                pthread_mutex_unlock(&p->lock);
                free(j);
                return r;
        }
        pthread_cond_signal(&p->cond);
        pthread_mutex_unlock(&p->lock);
        return 0;
}

unsigned worker_pool_n_threads(WorkerPool *p) {
        return p->n_threads;
}

/* Pools left to process exit because a worker was still inside a drive command: reachable, so leak
 * checkers see no leak, and never freed, so the worker can still take the lock when its command ends. */
static WorkerPool *abandoned;

WorkerPool *worker_pool_free(WorkerPool *p) {
        struct timespec deadline;
        bool stuck = false;
        Job *j;

        if (!p)
                return NULL;
        pthread_mutex_lock(&p->lock);
        p->quit = true;
        pthread_cond_broadcast(&p->cond);
        pthread_mutex_unlock(&p->lock);

        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += SHUTDOWN_GRACE_NSEC;
        if (deadline.tv_nsec >= 1000000000L) {
                deadline.tv_sec++;
                deadline.tv_nsec -= 1000000000L;
        }
        for (unsigned i = 0; i < p->n_threads; i++)
                if (pthread_timedjoin_np(p->threads[i], NULL, &deadline) != 0)
                        stuck = true;
        if (stuck) {
                /* SIGTERM must not wait for a hung drive: the fd is read-only, nothing needs flushing. */
                p->next_abandoned = abandoned;
                abandoned = p;
                return NULL;
        }

        while ((j = queue_pop(&p->pending)) || (j = queue_pop(&p->finished))) {
                j->done(j->userdata, true);
                free(j);
        }
        sd_event_source_disable_unref(p->event_source);
        if (p->efd >= 0)
                close(p->efd);
        pthread_mutex_destroy(&p->lock);
        pthread_cond_destroy(&p->cond);
        free(p->threads);
        free(p);
        return NULL;
}
