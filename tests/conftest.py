"""Shared test set-up: offline, single-threaded torch, an optimizer fixture, and how xdist shares the tests."""

import os
import sys

# nbformat imports jsonschema, which checks the "iri" string format with rfc3987-syntax whenever it can
# import it; importing it compiles a grammar, 2 to 4 s of CPU in every test process. No schema a test
# validates uses that format (nbformat's has none), so the tests' jsonschema goes without it.
sys.modules.setdefault("rfc3987_syntax", None)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import pytest  # noqa: E402
import torch  # noqa: E402
from support import make_optimizer  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture
def optimizer():
    return make_optimizer()


# Run one by one over the xdist workers, where make test-everything otherwise keeps a file on one worker
# (--dist loadfile, which nbval needs: a notebook's cells share one kernel). The simulated Colab's
# notebooks are the longest file: on one worker, the other would sit idle for minutes.
SPREAD_TEST_BY_TEST = ("tests/test_colab.py::",)


@pytest.hookimpl(optionalhook=True)  # a run without xdist (-p no:xdist) does not know this hook
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FileByFileExceptSpread(LoadFileScheduling):
        def _split_scope(self, nodeid):
            return nodeid if nodeid.startswith(SPREAD_TEST_BY_TEST) else super()._split_scope(nodeid)

    return FileByFileExceptSpread(config, log)
