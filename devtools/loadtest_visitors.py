"""The simulated visitors of `make loadtest` (a locustfile; devtools/loadtest.py runs it).

Each one behaves like a person with JavaScript off: reads the article, follows its call to
action, starts the quiz, answers all ten questions and sends the details form, each step a
real GET or form POST with the session cookie and the page's CSRF token. They pause like
people (a few seconds on the article, one to two per question), so the quiz's bot check
(QUIZ_MIN_SECONDS, 8 s by default) stays on and is never tripped. Requests alternate
between the web processes, as a load balancer without sticky sessions would send them.
Every address whose form reached the result page is written to LOADTEST_EMAILS_FILE.
"""

import itertools
import os
import random
import re
import time
import uuid

from locust import HttpUser, constant, task
from locust.exception import RescheduleTask, StopUser

WEB_URLS = os.environ.get("LOADTEST_WEB_URLS", "http://127.0.0.1:8000").split()
EMAILS_FILE = os.environ.get("LOADTEST_EMAILS_FILE", "loadtest-emails.txt")
MAX_JOURNEYS = int(os.environ.get("LOADTEST_MAX_JOURNEYS", "1000"))
ARTICLE = "/articles/are-you-career-or-job-focused/"
QUIZ = "/assessment/career-or-job-focused/"
QUESTIONS = 10
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CHOICE = re.compile(r'name="choice" id="choice-\d+" value="(\d+)"')
_journeys = itertools.count(1)


def think(low: float, high: float) -> None:
    time.sleep(random.uniform(low, high))  # noqa: S311 - pacing, not security


class Visitor(HttpUser):
    host = WEB_URLS[0]
    wait_time = constant(1)  # between one visitor's journeys

    def on_start(self) -> None:
        self.turn = random.randrange(len(WEB_URLS))  # noqa: S311

    def _url(self, path: str) -> str:
        self.turn += 1
        return WEB_URLS[self.turn % len(WEB_URLS)] + path

    def get(self, path: str, name: str, status: int = 200):
        with self.client.get(
            self._url(path), name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != status:
                response.failure(f"{response.status_code} instead of {status}")
                raise RescheduleTask()
            return response

    def post(self, path: str, name: str, page: str, form: dict, expect: str = "") -> str:
        """Send a form with the token of the page it is on; return where it redirects."""
        token = _TOKEN.search(page)
        data = form | {"csrfmiddlewaretoken": token[1] if token else ""}
        with self.client.post(
            self._url(path), data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.endswith(expect):
                response.failure(f"{response.status_code} to {location!r}, not to ...{expect}")
                raise RescheduleTask()
            return location

    @task
    def read_take_the_quiz_and_submit(self) -> None:
        if next(_journeys) > MAX_JOURNEYS:
            raise StopUser()
        self.get(ARTICLE, "article")
        think(2, 4)
        self.get(ARTICLE + "assessment/", "call to action", status=302)
        intro = self.get(QUIZ, "quiz intro").text
        location = self.post(QUIZ, "start", intro, {})
        for number in range(1, QUESTIONS + 1):
            question = self.get(location, "question").text
            think(1, 2)
            agree = _CHOICE.findall(question)[3]
            last = "/details/" if number == QUESTIONS else ""
            location = self.post(location, "answer", question, {"choice": agree}, expect=last)
        details = self.get(location, "details form").text
        think(2, 3)
        address = f"load-{uuid.uuid4().hex[:16]}@example.com"
        form = {
            "first_name": "Loadtest",
            "email": address,
            "current_role": "Visitor",
        }
        result = self.post(location, "submit details", details, form, expect="/result/")
        with open(EMAILS_FILE, "a") as submitted:
            submitted.write(address + "\n")
        self.get(result, "result page")
