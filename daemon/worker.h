/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A bounded pool of threads for blocking drive I/O, so that nothing on the event loop ever waits for a
 * drive (a spinning-up disc can take seconds per command; the watchdog and the bus must not). A job's
 * work() runs on a pool thread; its done() runs afterwards on the event loop thread, where sd-bus lives.
 */

#include <stdbool.h>
#include <systemd/sd-event.h>

typedef struct WorkerPool WorkerPool;

typedef void (*worker_fn)(void *userdata);
/* Called exactly once per job: after work() with cancelled = false, or at worker_pool_free() with
 * cancelled = true for a job that never ran or whose result was not yet delivered. Frees userdata. */
typedef void (*worker_done_fn)(void *userdata, bool cancelled);

int worker_pool_new(sd_event *event, unsigned max_threads, WorkerPool **ret);
/* Waits for the running jobs, cancels the rest (done(…, true)), joins the threads. */
WorkerPool *worker_pool_free(WorkerPool *p);
int worker_pool_submit(WorkerPool *p, worker_fn work, worker_done_fn done, void *userdata);
unsigned worker_pool_n_threads(WorkerPool *p);
