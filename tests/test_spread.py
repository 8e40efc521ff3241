"""Every byte of the spread of configurations in tests/spread/ is what sha256.txt records."""

import pytest

from spread import differences, recorded, run_all

pytestmark = pytest.mark.slow


def test_every_configuration_writes_the_recorded_bytes(tmp_path):
    assert differences(run_all(tmp_path), recorded()) == []
