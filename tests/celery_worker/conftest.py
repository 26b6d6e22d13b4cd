"""The loop's catalogue (time limits per kind) for matters received in these tests comes from
tests/fixtures/loop.py; the clock is the real one here, since the worker processes cannot share
a frozen clock."""
