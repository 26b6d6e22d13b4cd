"""The hand-off from inspections to enforcement (移送立案).

Inspections sit below enforcement in the dependency order, so they cannot import it. The
enforcement app registers a handler in its AppConfig.ready(); until one is registered a transfer
is refused with a message that says so, rather than pretending to have filed a case."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from longcheng.core.errors import LongchengError


@dataclass
class TransferEvidence:
    rectification: object
    party: object
    finding: str
    legal_basis: str
    reason: str
    photos: list = field(default_factory=list)


# handler(actor=..., evidence=...) -> the case number the enforcement module assigned
_handler: Callable[..., str] | None = None


def register_case_transfer(handler: Callable[..., str] | None) -> None:
    global _handler
    _handler = handler


def transfer_available() -> bool:
    return _handler is not None


def transfer_to_enforcement(*, actor, evidence: TransferEvidence) -> str:
    if _handler is None:
        raise LongchengError(
            _("执法办案模块尚未启用，暂不能移送立案。请线下移送并在整改要求中记录。")
        )
    return _handler(actor=actor, evidence=evidence)
