"""A small HTML writer for LMS question texts and feedback: text escaped, math as \\( \\) and \\[ \\]
for the LMS's MathJax, only the elements QTI 2.1 allows in an item body."""

from __future__ import annotations

from html import escape
from typing import Any


def text(s: str) -> str:
    return escape(s, quote=False)


def math(latex: str) -> str:
    return f"\\({text(latex)}\\)"


def inline(s: str) -> str:
    """Prose with $...$ math (the key's prompts) as HTML."""
    pieces = s.split("$")
    if len(pieces) % 2 == 0:
        raise ValueError(f"unbalanced $ in {s!r}")
    return "".join(math(p) if n % 2 else text(p) for n, p in enumerate(pieces))


def display_lines(lines: list[str]) -> str:
    return "".join(f"<p>\\[{text(line)}\\]</p>" for line in lines)


def paragraph(body: str) -> str:
    return f"<p>{body}</p>"


def problem_data(p: dict[str, Any]) -> str:
    """What a problem's sheet gives (sheets.sheet_context's record of it), as HTML."""
    out = []
    network = [f"Network: layers {text(p['layers_text'])};"]
    if p["single_activation"]:
        a = p["activations"][0]
        network.append(f"{text(a['title'])} activation in every layer, {math(a['formula'])};")
    else:
        network += [f"{text(a['layer'])} layer {text(a['title'])}, {math(a['formula'])};" for a in p["activations"]]
    if p["leaky_slope"]:
        network.append("leaky slope " + math(r"\alpha = " + p["leaky_slope"]) + ";")
    loss = p["loss"]
    network.append(f"loss: {text(loss['title'])}, {math(loss['term'])} and {math(loss['total'])};")
    if p["bias"]:
        frozen = " (frozen: its gradient is computed, the bias is not updated)" if p["bias_frozen"] else ""
        network.append(f"one bias per neuron{frozen};")
    else:
        network.append("no biases;")
    network.append("learning rate " + math(r"\eta = " + p["lr"]) + ".")
    if p["sequential"]:
        network.append("Update order: sequential (the hidden-layer deltas use the output weights already updated).")
    if p["steps"] > 1:
        network.append(f"The questions are about the first of {p['steps']} gradient-descent steps on this sample.")
    out.append(paragraph(" ".join(network)))
    out.append(paragraph("Inputs: " + ", ".join(math(f"{x['label']} = {x['value']}") for x in p["inputs"])
                         + ". Targets: " + ", ".join(math(f"{t['sym']} = {t['value']}") for t in p["targets"]) + "."))
    for w in p["weights"]:
        cells = [math(f"{c['sym']} = {c['value']}") for r in w["rows"] for c in r["cells"]]
        biases = [math(f"{r['bias']['sym']} = {r['bias']['value']}") for r in w["rows"] if r["bias"]]
        line = f"Weights from the {text(w['from'])} layer into the {text(w['to'])} layer: {', '.join(cells)}"
        if biases:
            line += f"; biases {', '.join(biases)}"
        out.append(paragraph(line + "."))
    if p["carried"]:
        rounding = (f"Rounding: carried, as by hand: round every intermediate result to {p['precision']} decimal "
                    "places and use the rounded value in the next step.")
    else:
        rounding = "Rounding: exact: keep every digit of intermediate results and round only the answers."
    out.append(paragraph(rounding))
    return "".join(out)
