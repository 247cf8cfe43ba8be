"""The page cache's own Redis client (site_project/resp.py) against a real Redis: replies
of every shape, and a connection that failed to sign in or pick its database is never reused."""

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from site_project.resp import RespClient, connect

pytestmark = pytest.mark.integration


def on_database(redis_process, number: int) -> str:
    return redis_process.url.rsplit("/", 1)[0] + f"/{number}"


def test_it_reads_every_kind_of_reply(redis_process):
    client = RespClient(on_database(redis_process, 3), timeout=2)
    assert client.call("SET", "resp:key", b"caf\xc3\xa9\r\n") == b"OK"
    assert client.call("GET", "resp:key") == b"caf\xc3\xa9\r\n"  # CRLF inside a bulk string
    assert client.call("GET", "resp:missing") is None
    assert client.call("DEL", "resp:key") == 1
    assert client.call("RPUSH", "resp:list", "a", "b") == 2
    assert client.call("LRANGE", "resp:list", "0", "-1") == [b"a", b"b"]
    with pytest.raises(ResponseError):
        client.call("INCR", "resp:list")  # WRONGTYPE: an error reply, the socket stays good
    assert client.call("LLEN", "resp:list") == 2
    client.call("DEL", "resp:list")


def test_a_failed_sign_in_closes_the_socket_and_is_tried_again(redis_process):
    client = RespClient(redis_process.url.replace("redis://", "redis://:wrong@"), timeout=2)
    for _ in range(2):  # the second call reconnects and fails the same way, never unsigned
        with pytest.raises(ResponseError):
            client.call("GET", "anything")
        assert client._local.stream is None


def test_a_database_that_does_not_exist_closes_the_socket(redis_process):
    client = RespClient(on_database(redis_process, 999), timeout=2)
    with pytest.raises(ResponseError, match="DB index"):
        client.call("GET", "anything")
    assert client._local.stream is None


def test_a_server_out_of_reach_is_redis_py_s_connection_error():
    client = RespClient("redis://127.0.0.1:1", timeout=0.5)
    with pytest.raises(RedisConnectionError):
        client.call("GET", "anything")


def test_only_plain_and_unix_urls_get_this_client():
    assert connect("rediss://cache.example.com:6380/0", timeout=1) is None
    assert isinstance(connect("unix:///run/redis.sock?db=2", timeout=1), RespClient)
