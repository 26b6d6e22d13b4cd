"""The loop's fixtures (a frozen 2023 clock, a catalogue, matters received and dispatched)."""

from longcheng.loop.tests.conftest import catalogue, clock, dispatched, receive  # noqa: F401
