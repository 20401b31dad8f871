import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from exercises import bots, live
from tests import factories


def pytest_configure(config):
    # Django's PBKDF2 (over a million rounds) costs about half a second per facilitator, and
    # most tests create one: the suite hashes with MD5. Password hashing itself is Django's.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The poll cache must never carry one test's revisions into the next."""
    cache.clear()
    live.forget_local()
    bots.forget_local()
    yield
    cache.clear()
    live.forget_local()
    bots.forget_local()


@pytest.fixture
def facilitator(db):
    return factories.make_facilitator("alice")


@pytest.fixture
def other_facilitator(db):
    return factories.make_facilitator("bob")


@pytest.fixture
def exercise(facilitator):
    return factories.make_exercise(facilitator)


@pytest.fixture
def usa(exercise):
    return factories.make_player(exercise, "USA", "Ann")


@pytest.fixture
def dprk(exercise):
    return factories.make_player(exercise, "DPRK", "Kim")


@pytest.fixture
def rok(exercise):
    return factories.make_player(exercise, "ROK", "Min")


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


@pytest.fixture
def other_facilitator_client(other_facilitator):
    c = Client()
    c.force_login(other_facilitator)
    return c


def player_client(participant) -> Client:
    c = Client()
    factories.seat(c, participant)
    return c


@pytest.fixture
def usa_client(usa):
    return player_client(usa)


@pytest.fixture
def dprk_client(dprk):
    return player_client(dprk)


@pytest.fixture
def rok_client(rok):
    return player_client(rok)
