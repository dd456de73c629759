"""The small tanh networks of sections 3 and 4: ``W2 tanh(W1 x + b1) + b2``.

Their weights are drawn as ``torch.nn.Linear`` initialises them, but from a local
``torch.Generator``, so the global torch random state is neither read nor changed: a
generator seeded with ``s`` draws what ``torch.manual_seed(s)`` followed by the same
``nn.Linear`` calls would (the lecture source builds its networks that way).
"""

from __future__ import annotations

import math

__all__ = ["linear_layer", "tanh_network"]


def linear_layer(fan_in: int, fan_out: int, generator) -> tuple:
    """Weight (fan_out, fan_in) and bias (fan_out,) drawn as ``nn.Linear(fan_in, fan_out)``
    initialises them, in float32, from ``generator``: Kaiming-uniform with ``a = sqrt(5)``
    for the weight, then ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))`` for the bias."""
    import torch

    gain = math.sqrt(2.0 / (1 + math.sqrt(5) ** 2))
    weight_bound = math.sqrt(3.0) * gain / math.sqrt(fan_in)
    bias_bound = 1.0 / math.sqrt(fan_in)
    weight = torch.empty(fan_out, fan_in).uniform_(-weight_bound, weight_bound, generator=generator)
    bias = torch.empty(fan_out).uniform_(-bias_bound, bias_bound, generator=generator)
    return weight, bias


def tanh_network(params: tuple, x):
    """``W2 tanh(W1 x + b1) + b2`` for inputs ``x`` of shape (..., fan_in); ``params`` is
    ``(W1, b1, W2, b2)`` as torch tensors."""
    import torch

    w1, b1, w2, b2 = params
    return torch.tanh(x @ w1.T + b1) @ w2.T + b2
