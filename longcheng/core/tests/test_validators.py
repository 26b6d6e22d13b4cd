import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from conftest import valid_credit_code, valid_id_number
from longcheng.core.masking import mask_id_number, mask_phone
from longcheng.core.validators import (
    CreditCodeChecksumWarning,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)


def _with_check(body: str) -> str:
    return body + ric.calc_check_digit(body)


def test_a_valid_id_number_is_accepted_and_normalised():
    number = valid_id_number()
    assert validate_id_number(f" {number.lower()} ") == number


def test_a_wrong_check_digit_names_the_expected_one():
    number = valid_id_number()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        validate_id_number(wrong)
    assert error.value.code == "checksum"
    assert number[-1] in error.value.messages[0]


def test_an_impossible_birth_date_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_id_number(_with_check("14010519900230123"))  # 30 February
    assert error.value.code == "birth_date"


def test_a_birth_date_in_the_future_is_refused():
    future = dt.date.today() + dt.timedelta(days=30)
    with pytest.raises(ValidationError) as error:
        validate_id_number(_with_check(f"140105{future:%Y%m%d}123"))
    assert error.value.code == "birth_future"


@pytest.mark.parametrize("value", ["14010519850621", "1401051985062146X9", "ABCDEF198506214612"])
def test_malformed_id_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        validate_id_number(value)


def test_a_valid_credit_code_passes():
    code = valid_credit_code()
    assert validate_credit_code(code.lower()) == code


def test_a_credit_code_with_a_bad_check_character_is_only_a_warning():
    code = valid_credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(CreditCodeChecksumWarning) as warning:
        validate_credit_code(wrong)
    assert code[-1] in warning.value.messages[0]


@pytest.mark.parametrize("value", ["91140105", "91ABCDEF MA0K2XQ31X", "911401OOMA0K2XQ31X"])
def test_malformed_credit_codes_are_errors_not_warnings(value):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(value)
    assert not isinstance(error.value, CreditCodeChecksumWarning)


def test_mobile_numbers():
    assert validate_mobile("139-1234-0001") == "13912340001"
    with pytest.raises(ValidationError):
        validate_mobile("2912340001")


def test_masking():
    assert mask_id_number("14010519850621123X") == "140105********123X"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_number("") == ""
