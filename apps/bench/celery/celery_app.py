"""The Celery side of `pnpm bench --against celery`: one no-op task and three
no-op receivers (task_prerun, task_success, task_postrun), as on our side."""
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, task_success

BROKER = os.environ["BENCH_CELERY_URL"]
QUEUE = "bench-noop"

app = Celery("bench", broker=BROKER, backend=BROKER)
app.conf.update(
    task_default_queue=QUEUE,
    result_expires=3600,
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
)


@app.task(name="bench.noop")
def noop():
    return None


@task_prerun.connect
def on_prerun(**_kwargs):
    return None


@task_success.connect
def on_success(**_kwargs):
    return None


@task_postrun.connect
def on_postrun(**_kwargs):
    return None
