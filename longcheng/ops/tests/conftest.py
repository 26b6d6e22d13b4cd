"""The loop's fixtures (a frozen 2023 clock, a catalogue, matters received) for these tests."""

from longcheng.loop.tests.conftest import catalogue, clock, receive  # noqa: F401
