"""Names of quantities in the notations people write (this project's, the reference document's,
Mazur's article's, the i, j, k notation of the bias notes), mapped to the calculator's quantities."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..documents.notation import layer_name, neuron, weight_number
from ..documents.numbers import to_decimal
from ..engine.activations import get_activation
from ..engine.spec import NetworkSpec

SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉ₒₕᵢⱼₖ", "0123456789ohijk")
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁽⁾", "0123456789+()")
SYMBOLS = {"δ": r"\delta", "∂": r"\partial", "σ": r"\sigma", "η": r"\eta", "×": r"\times", "·": r"\cdot",
           "−": "-", "Δ": r"\Delta"}
_MARKUP = re.compile(r"\\(?:text|mathrm|mathit|mathbf|operatorname|boldsymbol|left|right|displaystyle)|\\[,;!]|"
                     r"[\s{}_*$&]")


@dataclass(frozen=True, order=True)
class Ref:
    """One quantity of the first step, with the calculator's indices: weight layer l (1-based),
    neuron j of layer l (0-based), source neuron i of layer l-1 (or k of layer l+1 for a path).
    Kinds: input, target, W, b, z, a, derivative, error, path, delta, grad_W, grad_b, change_W,
    change_b, W_new, b_new, E_k (j = k), E, dE_do (j = k), diff (t_k - o_k), o_minus_t; abs_<kind> for the
    size of one (|dE/dw1|); mean_abs_grad and max_abs_grad of weight layer l."""

    kind: str
    l: int = 0
    j: int = 0
    i: int = 0


@lru_cache(maxsize=1 << 16)  # a document repeats its names; the table spells each many ways
def normalize(text: str) -> str:
    """The spelling-independent form of a name: no markup, braces, spaces or underscores; Unicode
    sub- and superscripts as digits; Greek letters as their LaTeX commands; lower case;
    a partial derivative \\frac{\\partial X}{\\partial Y} or ∂X/∂Y as dXdY."""
    for sym, tex in SYMBOLS.items():
        text = text.replace(sym, tex + " ")
    text = text.translate(SUBSCRIPTS).translate(SUPERSCRIPTS)
    text = _MARKUP.sub("", text).lower()
    text = text.replace(r"\frac", "").replace("/", "").replace(r"\partial", "d")
    return text.replace(r"\times", "").replace(r"\cdot", "").replace(r"\delta", "delta")


def _layered(letter: str, l: int, j: int) -> list[str]:
    """x^{(l)}_j and x_j^{(l)}, normalized."""
    return [f"{letter}^({l}){j}", f"{letter}{j}^({l})"]


class Names:
    """Every spelling of every quantity of a network, normalized, to its Ref."""

    def __init__(self, spec: NetworkSpec):
        self.spec = spec
        self.table: dict[str, Ref] = {}
        self.neuron_names: dict[str, tuple[int, int]] = {}  # spellings of a neuron itself: H_1, O_2
        self.layer_names = {normalize(layer_name(spec, l)): l for l in range(1, spec.depth + 1)}
        self.constants = {r"\eta": to_decimal(spec.lr), r"\alpha": to_decimal(spec.leaky_slope)}
        self._build()

    def lookup(self, text: str) -> Ref | None:
        key = normalize(text)
        m = re.fullmatch(r"(?:\||\\lvert|\\vert)(.+?)(?:\||\\rvert|\\vert)", key)
        if m is not None:  # |dE/dw1|: the size of a quantity
            ref = self.table.get(m.group(1))
            return Ref(f"abs_{ref.kind}", ref.l, ref.j, ref.i) if ref is not None else None
        return self.table.get(key)

    def neuron_of(self, text: str) -> tuple[int, int] | None:
        """(l, j) of a neuron named by its label (H_1, O_1) or its activation symbol (h_1, o_1)."""
        key = normalize(text)
        if key in self.neuron_names:
            return self.neuron_names[key]
        ref = self.table.get(key)
        return (ref.l, ref.j) if ref is not None and ref.kind in ("a", "input") else None

    def _add(self, ref: Ref, spellings) -> None:
        for s in spellings:
            self.table.setdefault(normalize(s), ref)

    def _acts(self, l: int, j: int) -> list[str]:
        """Spellings of the activation of neuron j (1-based) of layer l (0 = input)."""
        spec = self.spec
        n = neuron(spec, l, j)
        out = [n.value, n.short.replace(".", ""), f"out_{n.short}"] + _layered("a", l, j)
        if l == 0:
            out += [f"x_{j}", f"i_{j}", f"out_i{j}"]
        elif l == spec.depth:
            out += [f"o_{j}", f"out_o{j}", f"\\hat{{y}}_{j}"]
        if 0 < l < spec.depth:
            out += _layered("h", l, j)
        return out

    def _nets(self, l: int, j: int) -> list[str]:
        n = neuron(self.spec, l, j)
        return [n.net, f"net_{n.short}", f"net_{n.short.replace('.', '')}"] + _layered("z", l, j) + \
            [f"net_{a}" for a in self._acts(l, j)]

    def _weights(self, l: int, j: int, i: int) -> list[str]:
        num = weight_number(self.spec, l, j, i)
        return [f"w_{num}", f"w^({l})_{j}{i}", f"w^({l})_{j},{i}", f"w_{j}{i}^({l})", f"w_{j},{i}^({l})"]

    def _biases(self, l: int, j: int) -> list[str]:
        n = neuron(self.spec, l, j)
        return [n.bias, f"b_{n.short}", f"b_{n.short.replace('.', '')}"] + _layered("b", l, j)

    def _build(self) -> None:
        spec = self.spec
        L = spec.depth
        losses = ["e", "e_total", "e_tot", "l"]
        for j in range(1, spec.layers[0] + 1):
            self._add(Ref("input", 0, j - 1), self._acts(0, j))
        for k in range(1, spec.layers[-1] + 1):
            self._add(Ref("target", L, k - 1), [f"t_{k}", f"target_{k}", f"target_o{k}", f"y_{k}"])
        for l in range(1, L + 1):
            for j in range(1, spec.layers[l] + 1):
                n = neuron(spec, l, j)
                self.neuron_names.setdefault(normalize(n.label), (l, j - 1))
                self.neuron_names.setdefault(normalize(n.plain), (l, j - 1))
                acts, nets = self._acts(l, j), self._nets(l, j)
                self._add(Ref("a", l, j - 1), acts)
                self._add(Ref("z", l, j - 1), nets)
                deltas = [f"\\delta_{{{n.short}}}", f"\\delta_{{{n.short.replace('.', '')}}}"] + \
                    _layered("\\delta", l, j) + [f"d{e}d{x}" for e in losses for x in nets]
                self._add(Ref("delta", l, j - 1), deltas)
                if get_activation(spec.activations[l - 1]).elementwise:  # softmax has a Jacobian instead
                    self._add(Ref("derivative", l, j - 1),
                              [f"d{a}d{x}" for a in acts for x in nets] + [f"{a}(1-{a})" for a in acts[:3]])
                if l < L:
                    self._add(Ref("error", l, j - 1), [f"d{e}d{a}" for e in losses for a in acts])
                    for k in range(1, spec.layers[l + 1] + 1):
                        nk = neuron(spec, l + 1, k)
                        ds = [f"\\delta_{{{nk.short}}}", f"\\delta_{{{nk.short.replace('.', '')}}}"] + \
                            _layered("\\delta", l + 1, k)
                        ws = self._weights(l + 1, k, j)
                        self._add(Ref("path", l, j - 1, k - 1),
                                  [f"{d}{op}{w}" for d in ds for w in ws for op in ("", "*")])
                for i in range(1, spec.layers[l - 1] + 1):
                    ws = self._weights(l, j, i)
                    self._add(Ref("W", l, j - 1, i - 1), ws + [f"{w}^old" for w in ws] + [f"{w}old" for w in ws])
                    self._add(Ref("grad_W", l, j - 1, i - 1), [f"d{e}d{w}" for e in losses for w in ws])
                    self._add(Ref("W_new", l, j - 1, i - 1),
                              [f"{w}{tag}" for w in ws for tag in ("^new", "^+", "new", ",new", "^(new)", "'")])
                    source = Ref("a", l - 1, i - 1) if l > 1 else Ref("input", 0, i - 1)
                    self._add(source, [f"d{x}d{w}" for x in nets for w in ws])
                if spec.bias:
                    bs = self._biases(l, j)
                    self._add(Ref("b", l, j - 1), bs + [f"{b}^old" for b in bs])
                    self._add(Ref("grad_b", l, j - 1), [f"d{e}d{b}" for e in losses for b in bs])
                    self._add(Ref("b_new", l, j - 1),
                              [f"{b}{tag}" for b in bs for tag in ("^new", "^+", "new", ",new", "'")])
        for k in range(1, spec.layers[-1] + 1):
            outs = self._acts(L, k)
            terms = [f"e_{k}", f"e_o{k}", f"e_{{o_{k}}}"]
            self._add(Ref("E_k", 0, k - 1), terms)
            self._add(Ref("dE_do", L, k - 1), [f"d{e}d{o}" for e in losses + terms for o in outs])
            self._add(Ref("o_minus_t", L, k - 1), [f"{o}-t_{k}" for o in outs[:3]])
            self._add(Ref("diff", L, k - 1), [f"t_{k}-{o}" for o in outs[:3]])
        self._add(Ref("E"), ["e_total", "e_tot", "e_{total}"])
        for l in range(1, L + 1):
            for j in range(1, spec.layers[l] + 1):
                if l < L:
                    self._add(Ref("error", l, j - 1), [f"{words} {a}" for a in self._acts(l, j)
                                                       for words in ("total error to", "error to", "error into")])
        self._vectors()

    def _vectors(self) -> None:
        """Vector and matrix names of the matrix form: \\boldsymbol{\\delta}^{(l)}, \\mathbf{z}^{(l)},
        \\frac{\\partial E}{\\partial \\mathbf{W}^{(l)}}: (kind, l) of their entries."""
        spec = self.spec
        L = spec.depth
        v = self.vectors = {normalize(r"\mathbf{x}"): ("input", 0), normalize(r"\mathbf{t}"): ("target", L)}
        for l in range(1, L + 1):
            z, a, d = f"\\mathbf{{z}}^{{({l})}}", f"\\mathbf{{a}}^{{({l})}}", f"\\boldsymbol{{\\delta}}^{{({l})}}"
            W = f"\\mathbf{{W}}^{{({l})}}"
            for name, kind in ((z, "z"), (a, "a"), (d, "delta"), (f"\\sigma'({z})", "derivative"),
                               (f"f'({z})", "derivative"), (W, "W"), (f"{W}_{{new}}", "W_new"),
                               (f"{W}^{{new}}", "W_new")):
                v[normalize(name)] = (kind, l)
            for e in ("E", "E_{total}"):
                v[normalize(f"\\frac{{\\partial {e}}}{{\\partial {W}}}")] = ("grad_W", l)
                v[normalize(f"\\frac{{\\partial {e}}}{{\\partial {z}}}")] = ("delta", l)
            if l > 1:
                v[normalize(f"\\mathbf{{W}}^{{({l})T}} {d}")] = ("error", l - 1)
                v[normalize(f"({W})^T {d}")] = ("error", l - 1)
