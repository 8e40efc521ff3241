"""An independent NumPy oracle for the calculator: forward pass, losses, backpropagation, finite differences.

Written from the math in matrix form, not from calculator.py: z(l) = W(l) a(l-1) + b(l),
a(l) = f(z(l)); delta(L) = J(L)^T dE/do; delta(l) = f'(z(l)) * W(l+1)^T delta(l+1);
dE/dW(l) = delta(l) a(l-1)^T, dE/db(l) = delta(l). W[j][i] connects neuron i of layer l-1 to
neuron j of layer l. Arrays are float64 by default; `dtype=np.longdouble` (80-bit on x86-64)
gives a reference more precise than the calculator's doubles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


# ---------------------------------------------------------------- activations


def activate(name: str, z: np.ndarray, slope: float) -> np.ndarray:
    """f(z) over the last axis (softmax couples it; the others are element-wise)."""
    with np.errstate(over="ignore"):
        if name == "sigmoid":
            return 1 / (1 + np.exp(-z))
        if name == "tanh":
            return np.tanh(z)
        if name == "relu":
            return np.where(z > 0, z, 0 * z)
        if name == "leaky_relu":
            return np.where(z > 0, z, slope * z)
        if name == "linear":
            return z.copy()
        if name == "softmax":
            e = np.exp(z - z.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)
    raise ValueError(name)


def derivative(name: str, z: np.ndarray, slope: float) -> np.ndarray:
    """f'(z) for the element-wise activations, from z (not from the calculator's a-forms)."""
    with np.errstate(over="ignore"):
        if name == "sigmoid":
            e = np.exp(-np.abs(z))  # sigma'(z) = e^{-|z|} / (1 + e^{-|z|})^2, symmetric in z
            return e / (1 + e) ** 2
        if name == "tanh":
            return 1 / np.cosh(z) ** 2
    if name == "relu":
        return np.where(z > 0, 1.0, 0.0).astype(z.dtype)
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, slope).astype(z.dtype)
    if name == "linear":
        return np.ones_like(z)
    raise ValueError(name)


def softmax_jacobian(a: np.ndarray) -> np.ndarray:
    """J[k][j] = da_k/dz_j = diag(a) - a a^T."""
    return np.diag(a) - np.outer(a, a)


def log_softmax(z: np.ndarray) -> np.ndarray:
    """ln o_k = z_k - m - ln sum_j e^{z_j - m} with m = max z. The largest term of the sum is
    exactly 1, so the logarithm is log1p of the others: accurate when o_k is within 1e-20 of 1."""
    top = z.argmax(axis=-1)[..., None]
    m = np.take_along_axis(z, top, axis=-1)
    e = np.exp(z - m)
    np.put_along_axis(e, top, 0, axis=-1)
    return z - m - np.log1p(e.sum(axis=-1, keepdims=True))


# ---------------------------------------------------------------- losses


def loss_terms(loss: str, out_act: str, z: np.ndarray, o: np.ndarray, t: np.ndarray) -> np.ndarray:
    """E_k for every output (last axis). z is needed for the log-forms of the cross-entropies."""
    n = o.shape[-1]
    if loss == "half_sse":
        return 0.5 * (t - o) ** 2
    if loss == "mse":
        return (t - o) ** 2 / n
    if loss == "bce":
        if out_act == "sigmoid":  # ln sigma(z) = -ln(1 + e^{-z}), ln(1 - sigma(z)) = -ln(1 + e^{z})
            log_o, log_1mo = -np.logaddexp(0, -z), -np.logaddexp(0, z)
        else:
            with np.errstate(divide="ignore"):
                log_o, log_1mo = log_softmax(z), np.log1p(-o)
        return -(_xlogy(t, log_o) + _xlogy(1 - t, log_1mo)) / n
    if loss == "cross_entropy":
        return -_xlogy(t, log_softmax(z))
    raise ValueError(loss)


def _xlogy(t: np.ndarray, log_value: np.ndarray) -> np.ndarray:
    """t * ln(o), with 0 * ln(0) = 0."""
    with np.errstate(invalid="ignore"):
        return np.where(t == 0, 0 * log_value, t * log_value)


def loss_gradient(loss: str, o: np.ndarray, t: np.ndarray) -> np.ndarray:
    """dE/do_k."""
    n = o.shape[-1]
    if loss == "half_sse":
        return o - t
    if loss == "mse":
        return 2 * (o - t) / n
    if loss == "bce":
        return (o - t) / (o * (1 - o)) / n
    if loss == "cross_entropy":  # E_k = -t_k ln o_k is identically 0 where t_k = 0
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(t == 0, 0 * o, -t / o)
    raise ValueError(loss)


# ---------------------------------------------------------------- one step


@dataclass
class Net:
    """What the oracle needs to know about a problem, as plain arrays and names."""

    activations: tuple[str, ...]
    loss: str
    slope: float
    x: np.ndarray
    t: np.ndarray
    W: list[np.ndarray]  # W[l-1] is W(l), shape (n_l, n_{l-1})
    b: list[np.ndarray] | None
    lr: float = 0.5
    sequential: bool = False  # hidden paths use the already-updated W(l+1)
    frozen_bias: bool = False


@dataclass
class Layer:
    a_prev: np.ndarray
    products: np.ndarray
    z: np.ndarray
    a: np.ndarray
    derivative: np.ndarray | None
    jacobian: np.ndarray | None
    error: np.ndarray = None  # dE/da
    paths: np.ndarray | None = None  # [j][k] = delta_k W_next[k][j]
    delta: np.ndarray = None
    grad_W: np.ndarray = None
    grad_b: np.ndarray | None = None
    W_new: np.ndarray = None
    b_new: np.ndarray | None = None


@dataclass
class Step:
    layers: list[Layer]
    terms: np.ndarray
    total: float
    dE_do: np.ndarray
    output_after: np.ndarray
    loss_after: float
    W_new: list[np.ndarray]
    b_new: list[np.ndarray] | None


def net_from(spec, values, dtype=np.float64) -> Net:
    """A Net from the package's spec and values (numbers and names only)."""
    arr = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    return Net(
        activations=tuple(spec.activations),
        loss=spec.loss,
        slope=dtype(spec.leaky_slope),
        x=arr(values.input),
        t=arr(values.target),
        W=[arr(W) for W in values.weights],
        b=[arr(b) for b in values.biases] if values.biases is not None else None,
        lr=dtype(spec.lr),
        sequential=spec.update_order == "sequential",
        frozen_bias=spec.bias_policy == "frozen",
    )


def forward(net: Net, W: list[np.ndarray], b: list[np.ndarray] | None) -> list[Layer]:
    layers, a = [], net.x
    for l, name in enumerate(net.activations):
        products = W[l] * a  # products[j][i] = W[j][i] a_i
        z = products.sum(axis=-1) + (b[l] if b is not None else 0)
        out = activate(name, z, net.slope)
        d = derivative(name, z, net.slope) if name != "softmax" else None
        J = softmax_jacobian(out) if name == "softmax" else None
        layers.append(Layer(a, products, z, out, d, J))
        a = out
    return layers


def output_delta(net: Net, last: Layer, dE_do: np.ndarray) -> np.ndarray:
    """dE/dz at the output: J^T dE/do in general; the closed forms where the loss was built for
    the activation (they stay finite when o reaches 0 or 1 in floating point)."""
    name, o, t = net.activations[-1], last.a, net.t
    if name == "sigmoid" and net.loss == "bce":
        return (o - t) / len(o)
    if name == "softmax" and net.loss == "cross_entropy":
        return o * t.sum() - t
    if name == "softmax":
        return last.jacobian.T @ dE_do
    return dE_do * last.derivative


def step(net: Net) -> Step:
    layers = forward(net, net.W, net.b)
    last = layers[-1]
    terms = loss_terms(net.loss, net.activations[-1], last.z, last.a, net.t)
    dE_do = loss_gradient(net.loss, last.a, net.t)
    L = len(layers)
    W_new: list = [None] * L
    b_new: list = [None] * L
    for l in range(L - 1, -1, -1):
        layer = layers[l]
        if l == L - 1:
            layer.error = dE_do
            layer.delta = output_delta(net, layer, dE_do)
        else:
            W_next = W_new[l + 1] if net.sequential else net.W[l + 1]
            layer.paths = (W_next * layers[l + 1].delta[:, None]).T
            layer.error = W_next.T @ layers[l + 1].delta
            layer.delta = layer.error * layer.derivative
        layer.grad_W = np.outer(layer.delta, layer.a_prev)
        layer.W_new = net.W[l] - net.lr * layer.grad_W
        W_new[l] = layer.W_new
        if net.b is not None:
            layer.grad_b = layer.delta.copy()
            layer.b_new = net.b[l] if net.frozen_bias else net.b[l] - net.lr * layer.grad_b
            b_new[l] = layer.b_new
    b_after = b_new if net.b is not None else None
    after = forward(net, W_new, b_after)
    terms_after = loss_terms(net.loss, net.activations[-1], after[-1].z, after[-1].a, net.t)
    return Step(
        layers=layers,
        terms=terms,
        total=terms.sum(),
        dE_do=dE_do,
        output_after=after[-1].a,
        loss_after=terms_after.sum(),
        W_new=W_new,
        b_new=b_after,
    )


def steps(net: Net, count: int) -> list[Step]:
    """`count` gradient-descent steps on the same sample, each from the previous step's parameters."""
    out = []
    for _ in range(count):
        s = step(net)
        out.append(s)
        net = Net(**{**net.__dict__, "W": s.W_new, "b": s.b_new})
    return out


# ---------------------------------------------------------------- finite differences


def _batched_loss(net: Net, W: list[np.ndarray], b: list[np.ndarray] | None):
    """Total loss of a batch of parameter sets (leading axis), and the signs of every ReLU-type
    net input (where the loss has kinks)."""
    a = np.broadcast_to(net.x, (W[0].shape[0], len(net.x)))
    signs = []
    for l, name in enumerate(net.activations):
        z = np.einsum("bji,bi->bj", W[l], a)
        if b is not None:
            z = z + b[l]
        if name in ("relu", "leaky_relu"):
            signs.append(z > 0)
        a = activate(name, z, net.slope)
    terms = loss_terms(net.loss, net.activations[-1], z, a, np.broadcast_to(net.t, a.shape))
    kinks = np.concatenate(signs, axis=1) if signs else np.zeros((a.shape[0], 0), bool)
    return terms.sum(axis=-1), kinks


def finite_differences(net: Net, h: float = 1e-7):
    """Central differences (E(p + h) - E(p - h)) / 2h of the total loss for every weight and
    bias, evaluated in long double. Returns per-layer (grad_W, grad_b or None) arrays; an entry
    is nan where the step crosses a ReLU kink (the difference quotient is meaningless there)."""
    dt = np.longdouble
    W = [w.astype(dt) for w in net.W]
    b = [v.astype(dt) for v in net.b] if net.b is not None else None
    ld = Net(**{**net.__dict__, "x": net.x.astype(dt), "t": net.t.astype(dt), "W": W, "b": b,
                "slope": dt(net.slope)})
    shapes = [w.shape for w in W] + ([v.shape for v in b] if b is not None else [])
    flat = np.concatenate([p.ravel() for p in (W + (b or []))])
    P = flat.size
    hh = dt(h)
    batch = np.tile(flat, (2 * P + 1, 1))
    idx = np.arange(P)
    batch[idx, idx] += hh
    batch[P + idx, idx] -= hh  # the last row is unperturbed: the base for the kink check

    def split(rows):
        out, at = [], 0
        for shape in shapes:
            size = int(np.prod(shape))
            out.append(rows[:, at:at + size].reshape((rows.shape[0], *shape)))
            at += size
        return out[: len(W)], (out[len(W):] if b is not None else None)

    bW, bb = split(batch)
    E, kinks = _batched_loss(ld, bW, bb)
    fd = (E[:P] - E[P:2 * P]) / (2 * hh)
    crossed = (kinks[:P] != kinks[-1]).any(axis=1) | (kinks[P:2 * P] != kinks[-1]).any(axis=1)
    fd = np.where(crossed, np.nan, fd)
    grads, at = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        grads.append(fd[at:at + size].reshape(shape))
        at += size
    gW = grads[: len(W)]
    gb = grads[len(W):] if b is not None else [None] * len(W)
    return list(zip(gW, gb))
