"""The drills use the loop's catalogue and matters (tests/fixtures/loop.py) on the real clock."""
