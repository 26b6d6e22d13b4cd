"""Every public function of an app's services is one transaction (`@service`), so a caller
never has to remember to wrap it; reads and pure rules live in `selectors` and `rules`."""

import importlib
import inspect
import pkgutil

import pytest

import longcheng
from longcheng.core.transactions import is_service


def _services_modules():
    for app in pkgutil.iter_modules(longcheng.__path__):
        try:
            package = importlib.import_module(f"longcheng.{app.name}.services")
        except ModuleNotFoundError:
            continue
        yield package
        for sub in pkgutil.iter_modules(getattr(package, "__path__", [])):
            yield importlib.import_module(f"{package.__name__}.{sub.name}")


SERVICES_MODULES = list(_services_modules())


@pytest.mark.parametrize("module", SERVICES_MODULES, ids=lambda m: m.__name__)
def test_every_public_service_function_is_a_transaction(module):
    bare = [
        name
        for name, func in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and func.__module__ == module.__name__ and not is_service(func)
    ]
    assert bare == [], f"{module.__name__}: not @service (or belongs in selectors/rules): {bare}"
