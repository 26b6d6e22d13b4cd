"""The loop's catalogue (time limits per kind) for matters received in these tests; the
clock is the real one here, since the worker processes cannot share a frozen clock."""

from longcheng.loop.tests.conftest import catalogue  # noqa: F401
