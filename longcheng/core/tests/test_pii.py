"""Personal data in free text, found and masked before the public reads it."""

from stdnum import luhn

from longcheng.core.pii import describe_findings, find_personal_data, mask_personal_data

ID = "11010519491231002X"  # a valid resident ID number (check digit X)


def _card(prefix="622202020011223344") -> str:
    return next(prefix + str(d) for d in range(10) if luhn.is_valid(prefix + str(d)))


def test_mobile_id_and_card_numbers_are_found_and_masked():
    card = _card()
    text = f"请联系13912345678或139 1234 5678，身份证{ID}，退款到{card}。"
    kinds = [f.kind for f in find_personal_data(text)]
    assert kinds == ["mobile", "mobile", "id_number", "bank_card"]
    masked = mask_personal_data(text)
    assert "13912345678" not in masked and ID not in masked and card not in masked
    assert "139****5678" in masked and "110105********002X" in masked
    assert describe_findings(find_personal_data(text)).startswith("手机号码 139****5678")


def test_numbers_that_are_not_personal_stay():
    text = "办公电话0351-4040000，案号202308161234567890，编号ZX-2023-000123，12345热线。"
    assert find_personal_data(text) == []
    assert mask_personal_data(text) == text
    # 18 digits with a wrong check digit are no ID number; a longer number holds no mobile.
    assert find_personal_data("110105194912310021") == []
    assert find_personal_data("913912345678") == []
