from longcheng.loop.tests.conftest import (  # noqa: F401  (fixtures)
    at,
    catalogue,
    clock,
    dispatched,
    receive,
)
