"""The command line's own options: ``-v`` sends coursekit's log to standard error."""

import logging

from typer.testing import CliRunner

from coursekit.cli import app, log_to_stderr


def test_verbose_logs_coursekits_records_at_info_and_debug():
    logger = logging.getLogger("coursekit")
    handlers, level = list(logger.handlers), logger.level
    try:
        result = CliRunner().invoke(app, ["-vv", "fixtures", "--check", "deep_linear_networks"])
        assert result.exit_code == 0, result.output
        assert logger.level == logging.DEBUG and len(logger.handlers) == len(handlers) + 1
    finally:
        logger.handlers[:], logger.level = handlers, level


def test_a_logged_record_reaches_standard_error(capsys):
    logger = logging.getLogger("coursekit.grading.coordinator.engine")
    root = logging.getLogger("coursekit")
    level = root.level
    handler = log_to_stderr(logging.INFO)
    try:
        logger.info("deep_linear_networks: %d submissions to grade", 3)
        logger.debug("not shown at INFO")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    err = capsys.readouterr().err
    assert "coursekit.grading.coordinator.engine: deep_linear_networks: 3 submissions to grade" in err
    assert "not shown" not in err
