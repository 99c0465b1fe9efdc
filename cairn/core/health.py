"""Liveness and readiness endpoints for load balancers and orchestrators.

Liveness says the process answers HTTP. Readiness says it can do useful work: the
database answers, a worker has taken a task recently, and Redis answers when tasks go
through it. Both are public, uncached and sessionless; failures name the check and a
reason without exposing connection details.
"""

from datetime import timedelta

import structlog
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks import task_backends

from cairn.core.models import WorkerHeartbeat

logger = structlog.get_logger(__name__)

OK = {"status": "ok"}
RQ_BACKEND = "django_tasks_rq.RQBackend"
REDIS_TIMEOUT_SECONDS = 2


@never_cache
@require_safe
def live(request: HttpRequest) -> JsonResponse:
    """Answer that the process is up."""
    return JsonResponse(OK)


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database, the worker (and Redis) work; 503 otherwise."""
    checks: dict[str, dict[str, str]] = {"database": _check_database()}
    if checks["database"] == OK:
        checks["worker"] = _check_worker()
    else:
        checks["worker"] = _failing("not checked: the database is unavailable")
    if _uses_redis():
        checks["redis"] = _check_redis()
    failing = sorted(name for name, result in checks.items() if result != OK)
    if failing:
        logger.warning("readiness_failed", checks={n: checks[n] for n in failing})
    return JsonResponse(
        {"status": "unavailable" if failing else "ok", "checks": checks},
        status=503 if failing else 200,
    )


def _failing(reason: str) -> dict[str, str]:
    return {"status": "failing", "reason": reason}


def _check_database() -> dict[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("readiness_database_failed", error=str(error))
        return _failing(f"the database did not answer ({type(error).__name__})")
    return OK


def _check_worker() -> dict[str, str]:
    max_age = settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS
    last_seen = (
        WorkerHeartbeat.objects.order_by("-last_seen_at")
        .values_list("last_seen_at", flat=True)
        .first()
    )
    if last_seen is None:
        return _failing("no worker heartbeat recorded yet")
    age = timezone.now() - last_seen
    if age > timedelta(seconds=max_age):
        return _failing(
            f"last worker heartbeat {int(age.total_seconds())} s ago "
            f"(limit {max_age} s)"
        )
    return OK


def _uses_redis() -> bool:
    return any(
        params.get("BACKEND") == RQ_BACKEND
        for params in task_backends.settings.values()
    )


def _check_redis() -> dict[str, str]:
    import django_rq
    import redis

    failures: list[str] = []
    for queue_name in sorted(settings.RQ_QUEUES):
        pool = django_rq.get_connection(queue_name).connection_pool
        # A fresh client with short timeouts: a blackholed Redis must not hang the
        # probe past the orchestrator's own timeout.
        client = redis.Redis(
            connection_pool=redis.ConnectionPool(
                connection_class=pool.connection_class,
                **{
                    **pool.connection_kwargs,
                    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                    "socket_timeout": REDIS_TIMEOUT_SECONDS,
                },
            )
        )
        try:
            client.ping()
        except redis.RedisError as error:
            logger.warning("readiness_redis_failed", queue=queue_name, error=str(error))
            failures.append(f"{queue_name} ({type(error).__name__})")
        finally:
            client.close()
    if failures:
        return _failing("Redis did not answer for queue " + ", ".join(failures))
    return OK
