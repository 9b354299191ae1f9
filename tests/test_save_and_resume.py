"""lrlib's schedulers survive torch.save and state_dict round trips, and resume exactly."""

import io
import pickle

import numpy as np
import pytest
import torch

import lrlib
from support import make_optimizer, stepped_lrs

SETTINGS = [
    ("linear", {}),
    ("cosine", {"num_cycles": 1.0}),
    ("cosine_with_restarts", {"num_cycles": 3}),
    ("polynomial", {"power": 2.0, "lr_end": 1e-5}),
    ("constant_with_warmup", {}),
    ("inverse_sqrt", {"timescale": 7}),
    ("cosine_with_min_lr", {"min_lr": 1e-5}),
    ("cosine_warmup_with_min_lr", {"min_lr_rate": 0.1}),
    ("warmup_stable_decay", {"num_decay_steps": 10, "decay_type": "1-sqrt"}),
]


def _make(name, kwargs):
    optimizer = make_optimizer()
    return optimizer, lrlib.get_scheduler(name, optimizer, 5, 40, scheduler_specific_kwargs=kwargs)


@pytest.mark.parametrize("name,kwargs", SETTINGS)
def test_a_whole_scheduler_saved_with_torch_save_resumes_exactly(name, kwargs):
    optimizer, scheduler = _make(name, kwargs)
    uninterrupted = stepped_lrs(*_make(name, kwargs)[::-1], 60)
    first = stepped_lrs(scheduler, optimizer, 17)
    buffer = io.BytesIO()
    torch.save({"optimizer": optimizer, "scheduler": scheduler}, buffer)
    buffer.seek(0)
    restored = torch.load(buffer, weights_only=False)
    rest = stepped_lrs(restored["scheduler"], restored["optimizer"], 43)
    assert first + rest == uninterrupted


@pytest.mark.parametrize("name,kwargs", SETTINGS)
def test_state_dicts_loaded_into_fresh_objects_resume_exactly(name, kwargs):
    optimizer, scheduler = _make(name, kwargs)
    uninterrupted = stepped_lrs(*_make(name, kwargs)[::-1], 60)
    first = stepped_lrs(scheduler, optimizer, 23)
    states = pickle.loads(pickle.dumps((optimizer.state_dict(), scheduler.state_dict())))

    fresh_optimizer, fresh_scheduler = _make(name, kwargs)
    fresh_optimizer.load_state_dict(states[0])
    fresh_scheduler.load_state_dict(states[1])
    assert first + stepped_lrs(fresh_scheduler, fresh_optimizer, 37) == uninterrupted


def test_the_lambda_is_a_picklable_partial_of_a_module_level_function():
    _, scheduler = _make("cosine", {})
    restored = pickle.loads(pickle.dumps(scheduler.lr_lambdas[0]))
    assert restored.func is lrlib.schedules.cosine
    assert np.array_equal([restored(s) for s in range(50)], [scheduler.lr_lambdas[0](s) for s in range(50)])
    assert isinstance(restored(3), float)


def test_every_group_is_scaled_by_the_same_multiplier():
    optimizer, scheduler = _make("cosine", {})
    lrs = np.array(stepped_lrs(scheduler, optimizer, 41))
    np.testing.assert_allclose(lrs[:, 1] / 5e-4, lrs[:, 0] / 1e-3, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(lrs[:, 0], lrlib.lr_curve("cosine", 41, lr=1e-3, num_warmup_steps=5, num_training_steps=40), rtol=1e-12)
