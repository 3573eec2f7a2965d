"""Specification of nn.optim and nn.schedules: update sequences by hand and vs torch.optim, lr schedules, errors."""

import copy
import math

import pytest

import autograd
import nn
from autograd import Value
from nn.optim import SGD, Adam, AdamW, RMSProp
from nn.schedules import CosineDecay, LinearDecay, StepDecay


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-13, abs_tol=1e-15)


def steps_on_square(optimizer_class, n_steps, **kwargs):
    """Minimise w² from w = 1 with real backward passes; return w after each step."""
    w = Value(1.0)
    opt = optimizer_class([w], **kwargs)
    history = []
    for _ in range(n_steps):
        opt.zero_grad()
        (w * w).backward()
        opt.step()
        history.append(w.data)
    return history


def steps_with_gradients(optimizer_class, grads, **kwargs):
    """Feed the given gradients one per step to a parameter starting at 1; return its values."""
    w = Value(1.0)
    opt = optimizer_class([w], **kwargs)
    history = []
    for g in grads:
        w.grad = g
        opt.step()
        history.append(w.data)
    return history


# ----- update rules by hand -----------------------------------------------------------------------


def test_sgd_steps_against_the_gradient():
    assert [round(w, 12) for w in steps_on_square(SGD, 3, lr=0.1)] == [0.8, 0.64, 0.512]


def test_sgd_momentum_accumulates_a_velocity():
    # v₁ = 2, w₁ = 0.8; v₂ = 0.9·2 + 1.6 = 3.4, w₂ = 0.46; v₃ = 0.9·3.4 + 0.92 = 3.98, w₃ = 0.062
    history = steps_on_square(SGD, 3, lr=0.1, momentum=0.9)
    assert all(close(a, b) for a, b in zip(history, [0.8, 0.46, 0.062]))


def test_sgd_weight_decay_adds_lambda_times_the_parameter_to_the_gradient():
    # g₁ = 1 + 0.5·1 = 1.5, w₁ = 0.85; g₂ = 1 + 0.5·0.85 = 1.425, w₂ = 0.7075
    history = steps_with_gradients(SGD, [1.0, 1.0], lr=0.1, weight_decay=0.5)
    assert all(close(a, b) for a, b in zip(history, [0.85, 0.7075]))


def test_rmsprop_divides_by_the_running_root_mean_square():
    grads, lr, alpha, eps = [2.0, -1.0, 0.5], 0.01, 0.9, 1e-8
    s, w, expected = 0.0, 1.0, []
    for g in grads:
        s = alpha * s + (1 - alpha) * g * g
        w -= lr * g / (math.sqrt(s) + eps)
        expected.append(w)
    history = steps_with_gradients(RMSProp, grads, lr=lr, alpha=alpha)
    assert all(close(a, b) for a, b in zip(history, expected))
    assert close(history[0], 1.0 - 0.01 * 2.0 / (math.sqrt(0.4) + 1e-8))


def test_adam_follows_the_bias_corrected_moment_estimates():
    grads, lr, (b1, b2), eps = [2.0, -1.0, 0.5], 0.1, (0.9, 0.999), 1e-8
    m = v = 0.0
    w, expected = 1.0, []
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w -= lr * (m / (1 - b1 ** t)) / (math.sqrt(v / (1 - b2 ** t)) + eps)
        expected.append(w)
    history = steps_with_gradients(Adam, grads, lr=lr)
    assert all(close(a, b) for a, b in zip(history, expected))


@pytest.mark.parametrize("gradient", [1e-3, 1.0, 1e3])
def test_adam_bias_correction_makes_the_first_step_lr_whatever_the_gradient_scale(gradient):
    (w,) = steps_with_gradients(Adam, [gradient], lr=0.01)
    assert math.isclose(1.0 - w, 0.01, rel_tol=1e-4)


def test_adamw_decays_weights_apart_from_the_gradient():
    history = steps_with_gradients(AdamW, [0.0, 0.0, 0.0], lr=0.1, weight_decay=0.5)
    assert all(close(a, b) for a, b in zip(history, [0.95, 0.95 ** 2, 0.95 ** 3]))


def test_adam_weight_decay_is_coupled_to_the_gradient():
    (w,) = steps_with_gradients(Adam, [0.0], lr=0.1, weight_decay=0.5)
    assert math.isclose(w, 0.9, rel_tol=1e-6)  # the decay term λ·p is normalised like any gradient


def test_zero_grad_clears_the_gradients_of_its_parameters():
    ws = [Value(1.0), Value(2.0)]
    (ws[0] * ws[1]).backward()
    SGD(ws, lr=0.1).zero_grad()
    assert [w.grad for w in ws] == [0.0, 0.0]


def test_lr_can_be_changed_between_steps():
    w = Value(1.0)
    opt = SGD([w], lr=0.1)
    opt.lr = 0.5
    w.grad = 1.0
    opt.step()
    assert w.data == 0.5


def test_step_records_no_graph():
    net = nn.MLP(2, [2, 1], seed=0)
    nn.losses.mse([net([1.0, 1.0])], [0.0]).backward()
    Adam(net.parameters(), lr=0.1).step()
    assert all(p.is_leaf and type(p.data) is float for p in net.parameters())


# ----- torch as an oracle -------------------------------------------------------------------------

START = [0.5, -1.5, 2.0, 0.1]
CENTRES = [1.0, 0.0, -1.0, 0.3]
CONFIGS = [
    (SGD, "SGD", {"lr": 0.1}),
    (SGD, "SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}),
    (RMSProp, "RMSprop", {"lr": 0.01, "alpha": 0.9, "weight_decay": 0.1}),
    (Adam, "Adam", {"lr": 0.1}),
    (Adam, "Adam", {"lr": 0.05, "betas": (0.8, 0.99), "weight_decay": 0.1}),
    (AdamW, "AdamW", {"lr": 0.1, "weight_decay": 0.2}),
]


def bumpy_loss(ps, sin):
    """Σ (pᵢ − cᵢ)²·(1 + pᵢ²/10) + sin(p₀·p₁): a loss with uneven, changing gradients."""
    return sum((p - c) * (p - c) * (1 + p * p / 10) for p, c in zip(ps, CENTRES)) + sin(ps[0] * ps[1])


@pytest.mark.parametrize("ours, theirs, kwargs", CONFIGS, ids=[f"{c[1]}-{i}" for i, c in enumerate(CONFIGS)])
def test_optimizers_match_torch_optim(ours, theirs, kwargs):
    torch = pytest.importorskip("torch")
    ps = [Value(x) for x in START]
    opt = ours(ps, **kwargs)
    t = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    topt = getattr(torch.optim, theirs)([t], **kwargs)
    for _ in range(5):
        opt.zero_grad()
        bumpy_loss(ps, autograd.sin).backward()
        opt.step()
        topt.zero_grad()
        bumpy_loss(t, torch.sin).backward()
        topt.step()
    for p, q in zip(ps, t.tolist()):
        assert math.isclose(p.data, q, rel_tol=1e-12, abs_tol=1e-14)


# ----- schedules ----------------------------------------------------------------------------------


def test_step_decay_multiplies_by_gamma_every_step_size_epochs():
    schedule = StepDecay(SGD([Value(0.0)], lr=0.1), step_size=3, gamma=0.5)
    assert [schedule.step() for _ in range(7)] == [0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025]


def test_linear_decay_reaches_final_lr_exactly_and_stays():
    schedule = LinearDecay(SGD([Value(0.0)], lr=1.0), total_steps=4, final_lr=0.2)
    lrs = [schedule.step() for _ in range(6)]
    assert all(close(a, b) for a, b in zip(lrs, [0.8, 0.6, 0.4, 0.2, 0.2, 0.2]))
    assert lrs[3] == 0.2


def test_cosine_decay_follows_half_a_cosine():
    schedule = CosineDecay(SGD([Value(0.0)], lr=1.0), total_steps=4, final_lr=0.1)
    lrs = [schedule.step() for _ in range(5)]
    expected = [0.1 + 0.9 * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(1, 5)] + [0.1]
    assert all(close(a, b) for a, b in zip(lrs, expected))
    assert lrs[1] == 0.55 and lrs[3] == 0.1


def test_a_schedule_sets_the_lr_the_optimizer_uses():
    w = Value(1.0)
    opt = SGD([w], lr=1.0)
    StepDecay(opt, step_size=1, gamma=0.25).step()
    w.grad = 1.0
    opt.step()
    assert opt.lr == 0.25 and w.data == 0.75


def test_lr_at_zero_is_the_starting_rate():
    opt = Adam([Value(0.0)], lr=0.3)
    for schedule in (StepDecay(opt, 2, 0.1), LinearDecay(opt, 10, 0.0), CosineDecay(opt, 10)):
        assert schedule.lr_at(0) == 0.3


# ----- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [SGD, RMSProp, Adam, AdamW])
def test_negative_learning_rate_raises_value_error(cls):
    with pytest.raises(ValueError, match="learning rate lr must be >= 0, got -0.1"):
        cls([Value(1.0)], lr=-0.1)


def test_setting_a_non_finite_lr_raises_value_error():
    opt = SGD([Value(1.0)], lr=0.1)
    with pytest.raises(ValueError, match="lr must be finite"):
        opt.lr = math.nan
    assert opt.lr == 0.1


@pytest.mark.parametrize("kwargs, message", [
    ({"momentum": 1.0}, r"momentum must be in \[0, 1\)"),
    ({"weight_decay": -1.0}, "weight_decay must be >= 0"),
])
def test_sgd_rejects_bad_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SGD([Value(1.0)], lr=0.1, **kwargs)


def test_adam_rejects_bad_betas():
    with pytest.raises(ValueError, match=r"beta2 must be in \[0, 1\)"):
        Adam([Value(1.0)], betas=(0.9, 1.0))
    with pytest.raises(TypeError, match="betas must be a pair"):
        Adam([Value(1.0)], betas=0.9)


def test_passing_a_module_instead_of_its_parameters_gives_a_hint():
    with pytest.raises(TypeError, match=r"pass model.parameters\(\)"):
        SGD(nn.MLP(2, [1], seed=0), lr=0.1)


def test_optimizer_rejects_no_parameters_duplicates_and_non_values():
    w = Value(1.0)
    with pytest.raises(ValueError, match="no parameters"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match=r"params\[1\] appears twice"):
        SGD([w, w], lr=0.1)
    with pytest.raises(TypeError, match=r"params\[0\] must be a Value, got float"):
        SGD([1.0], lr=0.1)


def test_schedules_reject_bad_arguments():
    opt = SGD([Value(1.0)], lr=0.1)
    with pytest.raises(ValueError, match="step_size must be a positive integer"):
        StepDecay(opt, step_size=0, gamma=0.5)
    with pytest.raises(ValueError, match="final_lr must be >= 0"):
        LinearDecay(opt, total_steps=10, final_lr=-1.0)
    with pytest.raises(TypeError, match="needs an nn.optim optimizer"):
        CosineDecay("adam", total_steps=10)


# ----- a step is all or nothing ---------------------------------------------------------------------


def _state(opt):
    """Everything an optimizer carries between steps, copied."""
    return copy.deepcopy({k: v.tolist() if hasattr(v, "tolist") else v  # state arrays compare as lists
                          for k, v in vars(opt).items() if k != "params"})


OPTIMIZERS = [
    (SGD, {"lr": 0.1}), (SGD, {"lr": 0.1, "momentum": 0.9}), (SGD, {"lr": 0.1, "weight_decay": 0.1}),
    (RMSProp, {"lr": 0.01}), (Adam, {"lr": 0.1}), (Adam, {"lr": 0.1, "weight_decay": 0.1}),
    (AdamW, {"lr": 0.1, "weight_decay": 0.1}),
]


@pytest.mark.parametrize("cls, kwargs", OPTIMIZERS)
def test_a_step_that_would_make_a_parameter_non_finite_raises_and_changes_nothing(cls, kwargs):
    net = nn.MLP(2, [3, 1], seed=0)
    opt = cls(net.parameters(), **kwargs)
    net([0.5, -1.0]).backward()
    opt.step()  # one good step, so momentum and moments hold something
    net.zero_grad()
    net([0.5, -1.0]).backward()
    bad = net.layers[1].neurons[0].w[2]
    bad.grad = math.inf  # as a blown-up backward would leave it
    before, state = net.state_dict(), _state(opt)
    with pytest.raises(nn.optim.NonFiniteStepError, match=r"step 2 would make parameter 'L2.N1.w3' (-inf|nan)"):
        opt.step()
    assert net.state_dict() == before
    assert _state(opt) == state and opt.steps == 1


def test_a_huge_learning_rate_is_refused_before_any_parameter_becomes_inf():
    w, v = Value(1.0, label="w"), Value(2.0)
    w.grad, v.grad = 1.0, 1e300
    opt = SGD([w, v], lr=1e10)
    with pytest.raises(OverflowError, match=r"parameter params\[1\] -inf .*lr 1e\+10.*try a smaller learning rate"):
        opt.step()
    assert (w.data, v.data, opt.steps) == (1.0, 2.0, 0)
    opt.lr = 0.1
    opt.step()
    assert (w.data, v.data) == (0.9, 2.0 - 0.1 * 1e300)


def test_values_whose_sum_overflows_are_still_a_good_step():
    a, b = Value(1e308), Value(1e308)
    opt = SGD([a, b], lr=0.0)
    opt.step()
    assert a.data == b.data == 1e308 and opt.steps == 1


def test_fit_reports_a_diverging_step_and_keeps_the_last_good_weights():
    from nn.data import xor_table

    X, y = xor_table()
    net = nn.MLP(2, [4, 1], seed=0)
    with pytest.raises(OverflowError, match="training diverged in epoch 1"):
        nn.fit(net, X * 1e200, y * 1e200, loss="mse", optimizer=SGD(net.parameters(), lr=1e200), epochs=3,
               progress=False)
    assert all(math.isfinite(p.data) for p in net.parameters())


@pytest.mark.parametrize("cls", [RMSProp, Adam, AdamW])
@pytest.mark.parametrize("eps", [0.0, -1e-8, math.nan])
def test_eps_must_be_positive(cls, eps):
    with pytest.raises(ValueError, match="eps must be"):
        cls([Value(1.0)], lr=0.1, eps=eps)
