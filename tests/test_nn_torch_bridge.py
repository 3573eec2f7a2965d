"""nn.to_torch / nn.from_torch: the same function on both sides, to 1e-12, for every activation."""

from __future__ import annotations

import numpy as np
import pytest

import nn

torch = pytest.importorskip("torch")

ACTIVATIONS = ["relu", "sigmoid", "tanh", "leaky_relu", "elu", "gelu", "silu", "softplus"]
X = np.random.default_rng(0).normal(scale=3.0, size=(25, 4))


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output", ["identity", "softmax", "sigmoid"])
def test_to_torch_computes_the_same_outputs(activation: str, output: str) -> None:
    net = nn.MLP(4, [6, 5, 3], activation, output, seed=1)
    twin = nn.to_torch(net)
    assert all(p.dtype == torch.float64 for p in twin.parameters())
    got = twin(torch.tensor(X)).detach().numpy()
    np.testing.assert_allclose(got, nn.model_outputs(net, X), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_from_torch_round_trip_keeps_weights_and_activations(activation: str) -> None:
    net = nn.MLP(4, [6, 2], activation, "softmax", seed=2)
    back = nn.from_torch(nn.to_torch(net))
    assert (back.sizes, back.activation, back.output_activation) == (net.sizes, activation, "softmax")
    assert back.state_dict() == net.state_dict()


def test_from_torch_reads_a_plain_pytorch_model() -> None:
    torch.manual_seed(0)
    seq = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)).float()
    net = nn.from_torch(seq)
    want = seq(torch.tensor(X, dtype=torch.float32)).detach().double().numpy()
    np.testing.assert_allclose(nn.model_outputs(net, X), want, rtol=1e-5, atol=1e-5)


def test_a_layer_converts_too() -> None:
    layer = nn.Layer(4, 3, "relu", seed=0)
    got = nn.to_torch(layer)(torch.tensor(X)).detach().numpy()
    np.testing.assert_allclose(got, np.array([[v.data for v in layer(x)] for x in X.tolist()]), rtol=1e-12)


def test_unsupported_models_and_modules_get_clear_errors() -> None:
    with pytest.raises(ValueError, match="activation 'sign'"):
        nn.to_torch(nn.MLP(2, [2, 1], "sign", seed=0))
    with pytest.raises(TypeError, match="MLP or nn.Layer"):
        nn.to_torch(lambda x: x)
    with pytest.raises(ValueError, match="module 1 is"):
        nn.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.1)))
    with pytest.raises(ValueError, match="share one activation"):
        nn.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 2),
                                          torch.nn.Tanh(), torch.nn.Linear(2, 1)))
