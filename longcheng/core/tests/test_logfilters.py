"""No personal data in logs: whatever a library logs passes the masking filter."""

import logging

from conftest import valid_id_number


def test_phones_and_id_numbers_are_masked_in_every_log_line(caplog):
    handler = logging.getLogger().handlers[0]  # the console handler of settings.LOGGING
    id_number = valid_id_number()
    records: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    capture = Capture()
    for log_filter in handler.filters:
        capture.addFilter(log_filter)
    logger = logging.getLogger("some.library")
    logger.addHandler(capture)
    try:
        logger.warning("lookup q=%s for person %s", "13912340001", id_number)
        try:
            raise ValueError(f"bad phone 13812345678 of {id_number}")
        except ValueError:
            logger.exception("provider failed")
        logger.warning("matter 20231025000123456789 and order 158000011112222 stay")
    finally:
        logger.removeHandler(capture)
    text = "\n".join(records)
    assert "13912340001" not in text and "139****0001" in text
    assert id_number not in text and id_number[:6] + "********" in text
    assert "13812345678" not in text  # also inside the traceback
    assert "20231025000123456789" in text and "158000011112222" in text
