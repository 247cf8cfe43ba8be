"""make loadtest's table: per-step figures from locust's statistics, as it writes them."""

from devtools.loadtest import percentile, summarize


def entry(name: str, response_times: dict[str, int], failures: int = 0, start=100.0, last=110.0):
    """One step as locust's --json-file writes it (response times in ms -> count)."""
    return {
        "name": name,
        "num_requests": sum(response_times.values()),
        "num_failures": failures,
        "response_times": response_times,
        "start_time": start,
        "last_request_timestamp": last,
    }


def test_p95_is_the_time_95_in_100_requests_beat():
    histogram = {10: 90, 20: 5, 400: 5}
    assert percentile(histogram, 50) == 10
    assert percentile(histogram, 95) == 20
    assert percentile(histogram, 96) == 400
    assert percentile({}, 95) == 0


def test_steps_in_the_order_of_the_journey_then_all_requests():
    steps = summarize(
        [
            entry("submit details", {"90": 19, "300": 1}, failures=1, start=101.0, last=120.0),
            entry("article", {"10": 20}),
        ]
    )
    assert [step.name for step in steps] == ["article", "submit details", "all"]
    article, submit, everything = steps
    assert (article.requests, article.failures, article.p95_ms) == (20, 0, 10)
    assert (submit.requests, submit.failures, submit.p95_ms) == (20, 1, 90)
    # requests/s over the whole run: from the first request (100 s) to the last (120 s)
    assert article.per_second == 1.0
    assert (everything.requests, everything.failures, everything.per_second) == (40, 1, 2.0)
    assert everything.p50_ms == 10 and everything.p95_ms == 90
