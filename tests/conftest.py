"""Shared test set-up: offline, single-threaded torch, and an optimizer fixture."""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import pytest  # noqa: E402
import torch  # noqa: E402
from support import make_optimizer  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture
def optimizer():
    return make_optimizer()
