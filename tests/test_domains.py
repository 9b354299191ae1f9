"""Every declared domain, as data: it accepts its documented examples and any value inside it, and
refuses values just outside it, in validation (get_scheduler, lr_curve) and in the explorer alike."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrlib
from lrlib.domains import LR
from lrlib.registry import LR_PARAM, NUM_TRAINING_STEPS, NUM_WARMUP_STEPS
from support import make_optimizer

REFERENCE_LR = 1e-3


def declared():
    """(schedule name, Param) for every argument lrlib declares: the common ones on 'linear'
    (lr on 'constant'), the specific ones on each schedule that takes them."""
    cases = [("linear", NUM_WARMUP_STEPS), ("linear", NUM_TRAINING_STEPS), ("constant", LR_PARAM)]
    for name in lrlib.CURVE_NAMES:
        cases += [(name, param) for param in lrlib.SCHEDULES[name].params]
    return cases


CASES = declared()
IDS = [f"{name}-{param.name}" for name, param in CASES]


def call_for(name, param, value):
    """A valid call of schedule ``name`` with ``param`` set to ``value``: W=0, T=1950 where used,
    required arguments at their first example, and one of each set of alternatives; the
    alternatives of ``param`` (min_lr_rate for min_lr, num_training_steps for num_stable_steps)
    are left out, since it stands for them."""
    schedule = lrlib.SCHEDULES[name]
    call = {"lr": REFERENCE_LR,
            "num_warmup_steps": None if schedule.warmup == "ignored" else 0,
            "num_training_steps": None if schedule.training == "ignored" else 1950}
    kwargs = {p.name: p.examples[0] for p in schedule.params if p.required}
    for group in schedule.alternatives:
        if param.name in group.names:
            for other in group.names:
                kwargs.pop(other, None)
                if other in call and other != param.name:
                    call[other] = None
        elif group.exactly:
            kwargs[group.names[0]] = schedule.param(group.names[0]).examples[0]
    if param.name in call:
        call[param.name] = value
    else:
        kwargs[param.name] = value
    return call, kwargs


def lr_curve_of(name, param, value):
    call, kwargs = call_for(name, param, value)
    return lrlib.lr_curve(name, 20, **call, **kwargs)


def get_scheduler_of(name, param, value):
    """get_scheduler with ``param`` = ``value`` (the lr is the optimizer's: torch checks it first)."""
    call, kwargs = call_for(name, param, value)
    if param is LR_PARAM:
        return lrlib.lr_curve(name, 20, **call)
    lr = call.pop("lr")
    return lrlib.get_scheduler(name, make_optimizer((lr, lr / 2)), call["num_warmup_steps"],
                               call["num_training_steps"], scheduler_specific_kwargs=kwargs)


def explore_of(name, param, value):
    call, kwargs = call_for(name, param, value)
    defaults = {key: v for key, v in call.items() if v is not None}
    if name == "constant":
        defaults.pop("num_warmup_steps", None)
    return lrlib.explore(name=name, **defaults, **kwargs)


def shown_in_snippet(explorer, param, value):
    if param is LR_PARAM:
        return f"lr={float(value)!r})" in explorer.code
    if param in (NUM_WARMUP_STEPS, NUM_TRAINING_STEPS):
        return f"{param.name}={value!r}," in explorer.code
    shown = f'"{value}"' if isinstance(value, str) else repr(type(value)(value))
    return f'"{param.name}": {shown}' in explorer.code


def inside(param):
    """A strategy for values inside ``param``'s domain (the reference lr for bounds at the lr)."""
    domain = param.domain
    if domain.kind == "choice":
        return st.sampled_from(domain.choices)
    low, high = domain.bounds(REFERENCE_LR)
    if domain.kind == "whole":
        return st.integers(min_value=low, max_value=low + 1000)  # relations hold with W=0, T=1950
    return st.floats(min_value=low if low is not None else -1e6, max_value=high if high is not None else 1e6,
                     exclude_min=domain.low_open, exclude_max=domain.high_open)


def just_outside(domain, lr):
    """Values of the right type just outside ``domain``, one per finite end (a choice it lacks)."""
    if domain.kind == "choice":
        return [f"{domain.choices[0]}-not"]
    values = []
    for bound, is_open, direction in zip(domain.bounds(lr), (domain.low_open, domain.high_open), (-math.inf, math.inf)):
        if bound is None:
            continue
        if domain.kind == "whole":
            values.append(int(bound) if is_open else int(bound) + (1 if direction > 0 else -1))
        else:
            values.append(float(bound) if is_open else math.nextafter(float(bound), direction))
    return values


def outside(param):
    """A strategy for values of the right type outside ``param``'s domain."""
    domain = param.domain
    if domain.kind == "choice":
        return st.text(max_size=8).filter(lambda text: text not in domain.choices)
    low, high = domain.bounds(REFERENCE_LR)
    if domain.kind == "whole":
        return st.integers(max_value=low - 1, min_value=low - 10_000)
    parts = [st.sampled_from([math.nan, math.inf, -math.inf])]
    if low is not None:
        parts.append(st.floats(min_value=low - 1e6, max_value=low, exclude_max=not domain.low_open))
    if high is not None:
        parts.append(st.floats(min_value=high, max_value=high + 1e6, exclude_min=not domain.high_open))
    return st.one_of(parts)


def test_every_declared_argument_has_examples_and_is_covered():
    assert all(param.examples for _, param in CASES)
    names = {param.name for _, param in CASES}
    assert names == {"lr", "num_warmup_steps", "num_training_steps"} | {
        p.name for s in lrlib.SCHEDULES.values() for p in s.params}


@pytest.mark.parametrize("name,param", CASES, ids=IDS)
def test_documented_examples_are_accepted_by_validation_and_the_explorer(name, param):
    for example in param.examples:
        assert len(lr_curve_of(name, param, example)) == 20
        get_scheduler_of(name, param, example)
        explorer = explore_of(name, param, example)
        assert "lrlib-invalid" not in explorer.message.value, explorer.message.value
        assert shown_in_snippet(explorer, param, example), (example, explorer.code)


@pytest.mark.parametrize("name,param", CASES, ids=IDS)
def test_values_just_outside_are_refused_by_validation_and_the_explorer(name, param):
    values = just_outside(param.domain, REFERENCE_LR)
    assert values or param.domain.kind == "flag"
    for value in values:
        for attempt in (lr_curve_of, get_scheduler_of, explore_of):
            with pytest.raises(ValueError, match=rf"{param.name}"):
                attempt(name, param, value)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_value_inside_a_domain_is_accepted_and_shown_as_given(data):
    name, param = data.draw(st.sampled_from(CASES))
    value = data.draw(inside(param))
    assert len(lr_curve_of(name, param, value)) == 20
    explorer = explore_of(name, param, value)
    assert "lrlib-invalid" not in explorer.message.value, explorer.message.value
    assert shown_in_snippet(explorer, param, value), (value, explorer.code)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_value_outside_a_domain_is_refused_with_its_name(data):
    name, param = data.draw(st.sampled_from(CASES))
    value = data.draw(outside(param))
    for attempt in (lr_curve_of, get_scheduler_of, explore_of):
        with pytest.raises(ValueError, match=rf"{param.name}"):
            attempt(name, param, value)


@pytest.mark.parametrize("name,param", [case for case in CASES if case[1].domain.kind in ("real", "whole")],
                         ids=[i for i, case in zip(IDS, CASES) if case[1].domain.kind in ("real", "whole")])
def test_a_bool_is_refused_where_a_number_is_declared(name, param):
    for attempt in (lr_curve_of, get_scheduler_of, explore_of):
        with pytest.raises(TypeError, match=rf"{param.name} must be a (whole )?number, got True \(bool\)"):
            attempt(name, param, True)


def test_bounds_at_the_lr_follow_the_optimizers_lr():
    lr_end = lrlib.SCHEDULES["polynomial"].param("lr_end")
    assert lr_end.domain.high == LR
    assert lr_end.domain.contains(0.5e-3, lr=1e-3) and not lr_end.domain.contains(1e-3, lr=1e-3)
    assert lr_end.domain.contains(1e-3, lr=1e-2)
