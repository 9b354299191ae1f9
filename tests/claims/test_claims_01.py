"""The library behaviour that notebook 01 states, checked against the pinned torch and transformers.

Each test runs what a learner would run and asserts what they would see: how far a real optimizer
step moves the parameters, what learning rate a real scheduler sets.
"""

import math

import pytest
import torch

GRADIENT = torch.tensor([3.0, -1e-3, 0.5, -40.0])


def moves(optimizer_class, grad=GRADIENT, steps=6, lr=1e-2, **kwargs):
    """The change of the parameters at each of `steps` steps, every step seeing the same gradient."""
    parameter = torch.nn.Parameter(torch.zeros_like(grad))
    optimizer = optimizer_class([parameter], lr=lr, **kwargs)
    changes = []
    for _ in range(steps):
        before = parameter.detach().clone()
        parameter.grad = grad.clone()
        optimizer.step()
        changes.append(parameter.detach() - before)
    return changes


def rho(t, beta2):
    rho_inf = 2 / (1 - beta2) - 1
    return rho_inf - 2 * t * beta2**t / (1 - beta2**t)


def rectification(t, beta2):
    rho_inf, rho_t = 2 / (1 - beta2) - 1, rho(t, beta2)
    return math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))


def test_adam_and_radam_default_to_betas_0_9_and_0_999_and_eps_1e_8():
    for optimizer_class in (torch.optim.Adam, torch.optim.RAdam):
        defaults = optimizer_class([torch.nn.Parameter(torch.zeros(1))]).defaults
        assert (defaults["betas"], defaults["eps"]) == ((0.9, 0.999), 1e-8)


def test_adam_first_step_moves_every_parameter_by_lr_against_the_sign_of_its_gradient():
    first = moves(torch.optim.Adam, steps=1)[0]
    torch.testing.assert_close(first, -0.01 * torch.sign(GRADIENT))


def test_radam_first_step_is_lr_times_the_gradient_not_a_zero_step():
    adam, radam = moves(torch.optim.Adam, steps=1)[0], moves(torch.optim.RAdam, steps=1)[0]
    torch.testing.assert_close(radam, -0.01 * GRADIENT)
    assert radam[3].item() == pytest.approx(0.40)  # gradient -40, lr 1e-2
    assert adam[3].item() == pytest.approx(0.01)
    assert radam.abs().min() > 0


def test_radam_takes_unadapted_momentum_steps_while_rho_t_is_at_most_5_then_rectified_adam_steps():
    beta2 = 0.999
    assert rho(5, beta2) <= 5 < rho(6, beta2)
    adam, radam = moves(torch.optim.Adam, steps=7), moves(torch.optim.RAdam, steps=7)
    for step in range(5):  # steps 1 to 5: -lr * m_hat, and m_hat equals the constant gradient
        torch.testing.assert_close(radam[step], -0.01 * GRADIENT)
    for step in (5, 6):  # steps 6 and 7: Adam's step times r_t
        torch.testing.assert_close(radam[step] / adam[step], torch.full((4,), rectification(step + 1, beta2)),
                                   rtol=1e-3, atol=0)


def test_radam_threshold_is_rho_t_above_5_at_another_beta2():
    """With beta2 = 0.99 the switch still happens at the first t with rho_t > 5, whatever that t is."""
    beta2 = 0.99
    first_adaptive = next(t for t in range(1, 50) if rho(t, beta2) > 5)
    radam = moves(torch.optim.RAdam, steps=first_adaptive, betas=(0.9, beta2))
    adam = moves(torch.optim.Adam, steps=first_adaptive, betas=(0.9, beta2))
    torch.testing.assert_close(radam[first_adaptive - 2], -0.01 * GRADIENT)
    torch.testing.assert_close(radam[-1] / adam[-1], torch.full((4,), rectification(first_adaptive, beta2)),
                               rtol=1e-3, atol=0)


def test_radam_step_at_step_200_is_about_0_31_of_adams():
    adam, radam = moves(torch.optim.Adam, steps=200), moves(torch.optim.RAdam, steps=200)
    ratio = (radam[-1] / adam[-1]).tolist()
    assert ratio == pytest.approx([0.307] * 4, abs=1e-3)


def test_transformers_linear_warmup_runs_the_first_step_at_lr_0_and_still_fills_adams_averages():
    from transformers import get_linear_schedule_with_warmup

    parameter = torch.nn.Parameter(torch.ones(3))
    optimizer = torch.optim.Adam([parameter], lr=1e-3)
    scheduler = get_linear_schedule_with_warmup(optimizer, num_warmup_steps=10, num_training_steps=100)
    assert optimizer.param_groups[0]["lr"] == 0.0
    parameter.grad = torch.tensor([1.0, -2.0, 3.0])
    optimizer.step()
    scheduler.step()
    torch.testing.assert_close(parameter.detach(), torch.ones(3))
    assert optimizer.state[parameter]["exp_avg_sq"].abs().min() > 0
    assert optimizer.param_groups[0]["lr"] == pytest.approx(1e-4)


def test_transformers_training_arguments_read_a_fractional_warmup_as_a_share_of_the_steps_rounded_up(tmp_path):
    from transformers import TrainingArguments

    args = TrainingArguments(output_dir=str(tmp_path), warmup_steps=0.05, report_to=[])
    assert args.get_warmup_steps(1000) == 50
    assert args.get_warmup_steps(990) == 50  # 49.5, rounded up
    assert TrainingArguments(output_dir=str(tmp_path), warmup_steps=4000, report_to=[]).get_warmup_steps(100_000) == 4000


def test_the_rule_of_thumb_at_pytorchs_beta2_asks_for_2000_steps_more_than_the_200_step_run():
    """Exercise 3's check says so without training anything; at beta2 = 0.98 the rule gives 100 steps."""
    from lrlib.answers import nb01

    assert round(2 / (1 - 0.999)) == 2000 and round(2 / (1 - 0.98)) == 100
    message = nb01.rule_of_thumb_beta2(0.999).message
    assert message.startswith("✗ Not quite:") and "2000 warmup steps, more than the 200 steps" in message


def test_notebook_01_experiment_checks_cost_nothing_for_an_untouched_stub_or_an_impossible_answer():
    from lrlib.answers import nb01

    assert nb01.shortest_warmup(...).message.startswith("Not yet:")
    assert nb01.rule_of_thumb_beta2(...).message.startswith("Not yet:")
    assert "not a whole number of steps from 0 to 200" in nb01.shortest_warmup(250).message
    assert "not a number between 0 and 1" in nb01.rule_of_thumb_beta2(1.5).message
