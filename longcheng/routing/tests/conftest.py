from longcheng.loop.tests.conftest import at, catalogue, clock, dispatched, receive  # noqa: F401
