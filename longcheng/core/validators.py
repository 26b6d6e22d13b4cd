"""Checks for Chinese identifiers, built on python-stdnum.

Resident ID numbers follow GB 11643-1999 (checksum, a real birth date not in the future).
Unified social credit codes follow GB 32100-2015; a code failing the checksum is a *warning*
the clerk may override with a reason, because codes issued in the pilot years exist."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc


def normalise_id_number(value: str) -> str:
    return ric.compact(value or "").upper()


def validate_id_number(value: str) -> str:
    """Return the normalised number or raise ValidationError saying what is wrong."""
    number = normalise_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("身份证号码应为18位，当前为%(n)d位。") % {"n": len(number)}, code="length"
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("身份证号码前17位应为数字，末位为数字或X。"), code="format")
    try:
        birth = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("身份证号码中的出生日期 %(d)s 不存在。") % {"d": number[6:14]}, code="birth_date"
        ) from None
    if birth > timezone.localdate():
        raise ValidationError(
            _("身份证号码中的出生日期 %(d)s 晚于今天。") % {"d": birth.isoformat()},
            code="birth_future",
        )
    if birth < datetime.date(1880, 1, 1):
        raise ValidationError(_("身份证号码中的出生日期过早，请核对。"), code="birth_past")
    expected = ric.calc_check_digit(number[:17])
    if number[-1] != expected:
        raise ValidationError(
            _("身份证号码校验位错误：末位应为 %(c)s，请核对是否录错。") % {"c": expected},
            code="checksum",
        )
    return number


def birth_date_from_id(number: str) -> datetime.date:
    return ric.get_birth_date(number)


def normalise_credit_code(value: str) -> str:
    return uscc.compact(value or "").upper()


class CreditCodeChecksumWarning(ValidationError):
    """The code is well-formed but its check character does not match."""


def validate_credit_code(value: str) -> str:
    """Raise ValidationError for a malformed code, CreditCodeChecksumWarning for a bad check
    character (overridable), else return the normalised code."""
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，当前为%(n)d位。") % {"n": len(code)}, code="length"
        )
    try:
        uscc.validate(code)
    except stdnum_errors.InvalidChecksum:
        raise CreditCodeChecksumWarning(
            _(
                "统一社会信用代码校验位不符（按 GB 32100 应为 %(c)s）。如确为试点期间赋码，"
                "请填写保留原码的理由。"
            )
            % {"c": uscc.calc_check_digit(code)},
            code="checksum",
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _(
                "统一社会信用代码格式不正确：第3-8位应为行政区划数字，其余为数字或大写字母"
                "（不含 I、O、Z、S、V）。"
            ),
            code="format",
        ) from None
    return code


def validate_mobile(value: str) -> str:
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    if len(digits) != 11 or not digits.startswith("1"):
        raise ValidationError(_("手机号码应为以1开头的11位数字。"), code="mobile")
    return digits
