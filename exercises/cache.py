"""Django's Redis cache, minus a cost that dominated every cheap poll.

Django builds a new ``redis.Redis`` object for each cache call; its constructor
registers some 170 response callbacks, which took longer (≈0.2 ms) than the round
trip to Redis itself. A client per connection pool is enough: redis-py clients are
thread-safe and share the pool's connections. Measured in docs/performance.md.
"""

from django.core.cache.backends import redis as django_redis


class ReusingRedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
