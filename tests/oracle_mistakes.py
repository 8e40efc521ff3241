"""The oracle's step with one misconception written out, for the catalogue's tests.

A copy of oracle.step (forward pass, losses and derivatives come from oracle.py, which is
written from the math), each mistake spelled out where a student makes it; nothing here reads
the package's own pass."""

from __future__ import annotations

import numpy as np

from oracle import Net, Step, activate, derivative, forward, loss_gradient, loss_terms, output_delta, softmax_jacobian

# Losses whose output delta a student writes in the closed form o - t (scaled), as the oracle does.
COMBINED = {("sigmoid", "bce"), ("softmax", "cross_entropy")}


def mistaken_step(net: Net, mistake: str) -> Step:
    """One gradient-descent step as a student with `mistake` computes it."""
    layers = forward(net, net.W, net.b)
    last = layers[-1]
    scale = 2.0 if mistake == "half_forgotten" else 1.0
    sign = -1.0 if mistake == "sign_flipped" else 1.0
    terms = loss_terms(net.loss, net.activations[-1], last.z, last.a, net.t) * scale
    dE_do = loss_gradient(net.loss, last.a, net.t) * scale * sign
    L = len(layers)
    W_new: list = [None] * L
    b_new: list = [None] * L
    update = 1.0 if mistake == "plus_update" else -1.0
    for l in range(L - 1, -1, -1):
        layer = layers[l]
        name = net.activations[l]
        # f'(z), or f'(a) where the activation is used for the net input
        at = layer.a if mistake == "activation_for_net" else layer.z
        if l == L - 1:
            layer.error = dE_do
            if mistake == "no_output_derivative":
                layer.delta = dE_do.copy()
            elif mistake == "softmax_elementwise":
                layer.delta = dE_do * np.diag(softmax_jacobian(layer.a))
            elif (name, net.loss) in COMBINED:
                layer.delta = output_delta(net, layer, dE_do) * scale * sign
            elif name == "softmax":
                layer.delta = softmax_jacobian(layer.a).T @ dE_do
            else:
                layer.delta = dE_do * derivative(name, at, net.slope)
        else:
            W_next = W_new[l + 1] if mistake == "stale_weights" else net.W[l + 1]
            delta_next = layers[l + 1].delta
            if mistake == "transposed":  # paths[j][k] = delta_k * W_next[j][k]
                layer.paths = W_next * delta_next[None, :]
            else:  # paths[j][k] = delta_k * W_next[k][j]
                layer.paths = (W_next * delta_next[:, None]).T
            kept = layer.paths[:, :-1] if mistake == "missing_path" else layer.paths
            layer.error = kept.sum(axis=1)
            if mistake == "no_hidden_derivative":
                layer.delta = layer.error.copy()
            else:
                layer.delta = layer.error * derivative(name, at, net.slope)
        source = layers[l - 1].z if mistake == "net_for_activation" and l > 0 else layer.a_prev
        layer.grad_W = np.outer(layer.delta, source)
        layer.W_new = net.W[l] + update * net.lr * layer.grad_W
        W_new[l] = layer.W_new
        if net.b is not None:
            layer.grad_b = layer.delta * net.b[l] if mistake == "bias_as_input" else layer.delta.copy()
            layer.b_new = net.b[l] if net.frozen_bias else net.b[l] + update * net.lr * layer.grad_b
            b_new[l] = layer.b_new
    b_after = b_new if net.b is not None else None
    after = forward(net, W_new, b_after)
    terms_after = loss_terms(net.loss, net.activations[-1], after[-1].z, after[-1].a, net.t) * scale
    return Step(layers=layers, terms=terms, total=terms.sum(), dE_do=dE_do, output_after=after[-1].a,
                loss_after=terms_after.sum(), W_new=W_new, b_new=b_after)


__all__ = ["mistaken_step", "activate"]
