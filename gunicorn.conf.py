"""gunicorn's settings for kentsoc (read from the working directory: the image's CMD and
`make loadtest` both start gunicorn here). Command-line options (the image's --bind) win.

Workers: 2 x cores + 1, gunicorn's own rule of thumb for a CPU-bound Django app. Two threads
each: signing in spends ~0.3 s of CPU in Argon2 (kentsoc/accounts/hashers.py), which releases
the GIL, so the worker's other thread can serve a page meanwhile instead of the page queueing
behind the hash. Four threads were tried (`make loadtest`, README "Measured"): the sign-ins had
more room, but every page cost more CPU (twice the database connections, each preparing its
statements, and more threads contending for each process's GIL), p50 46-53 -> 78-80 ms.
"""

import multiprocessing

workers = 2 * multiprocessing.cpu_count() + 1
worker_class = "gthread"
threads = 2
# Sessions and pages are short; a request still running after this is stuck, not slow.
timeout = 30

# The app is loaded once, in the master, and warmed there (kentsoc/web/warm.py) before the workers
# fork: each worker starts with the views imported and the templates compiled instead of paying
# for it, five times over, while the first officers sign in.
preload_app = True


def when_ready(server):
    from kentsoc.web.warm import warm_process

    server.log.info("warmed: %d templates compiled before the workers fork", warm_process())
