from residents.checks import check_rate_limit_cache

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
    }
}


def test_production_refuses_a_per_process_cache_for_rate_limits(settings):
    settings.DEBUG = False
    settings.CACHES = LOCMEM

    errors = check_rate_limit_cache(None)

    assert [error.id for error in errors] == ["residents.E001"]


def test_redis_in_production_and_local_memory_in_the_demo_pass(settings):
    settings.DEBUG = False
    settings.CACHES = REDIS
    assert check_rate_limit_cache(None) == []

    settings.DEBUG = True
    settings.CACHES = LOCMEM
    assert check_rate_limit_cache(None) == []
