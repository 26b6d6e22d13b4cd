"""The loop's fixtures (a catalogue, matters received and dispatched) for the drills."""

from longcheng.loop.tests.conftest import catalogue, dispatched, receive  # noqa: F401
