"""A document's lines -> the numbers it claims: named values (`o_1 = 0.60635`, table rows) and
arithmetic lines (`0.59648 × 0.23866 = 0.14236`), each with its line number."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .arith import is_arithmetic
from .names import Names, Ref, normalize

_NUM = r"[+\-−]?\s*(?:\d+(?:\.\d+)?|\.\d+)(?:\s*(?:\\times|×)\s*10\^\{?[+\-−]?\d+\}?)?"
NUMBER = re.compile(rf"\(?\s*{_NUM}\s*\)?")
_LEADING_NUMBER = re.compile(rf"^\s*({_NUM})(?![\d.])(.*)$")
_WRAPPERS = re.compile(r"\\boxed\{|\\mathbf\{|\\textbf\{|\\underline\{|\\fit\{|\\boldsymbol\{|\*\*|\\quad|"
                       r"\\qquad|\\,|\$|~")
_FOOTNOTE = re.compile(r"\[\^[^\]]*\]")
_CHAIN_SPLIT = re.compile(r"=|\\approx|≈|\\simeq|\\equiv")
_STATEMENT_SPLIT = re.compile(
    r"\\quad|\\qquad|\\Rightarrow|\\implies|\\text\{\s*(?:vs|and|so|then)\.?\s*\}|\\ll|\\gg|\\le\b|\\ge\b|"
    r"\\leq|\\geq|<|>|\\to|→|,\s|;\s|\\\\"
)
_PROSE_SPLIT = re.compile(r",\s|;\s|:\s|\s(?:and|so|then|thus|hence|while|vs\.?|gives|giving)\s")
_MATH_SPAN = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|\\\((.+?)\\\)|\\[a-z]*math\{(.+)\}\s*$")
_HEADING = re.compile(r"^\s*(?:#{1,6}\s+(.*)|\\(?:sub)*section\*?\{(.*)\}|\*\*(.*)\*\*\s*$|\\lead\{(.*)\}\s*$)")
_DISPLAY_OPEN = re.compile(r"^\s*(\$\$|\\\[|\\begin\{(align|equation|gather|multline|eqnarray)\*?\})")
_MATRIX = re.compile(r"matrix|\\odot|\\mathbf\{[a-zW]\}|\\boldsymbol")
# Sections whose names are not the first step's values: later steps, the corrections table.
_OTHER_VALUES = re.compile(r"correction|gradient descent over|\bafter (?:each|step|the|one|training)|original",
                           re.I)
# Table headers -> the quantity a column holds for the row's parameter or neuron.
_SKIP_COLUMN = re.compile(r"simultaneous|original|before|after|sequential|printed|wrong", re.I)


@dataclass(frozen=True)
class Claim:
    """A named value as printed: `text` at `line` is the value of `ref`."""

    line: int
    ref: Ref
    name: str
    text: str


@dataclass(frozen=True)
class Sum:
    """An arithmetic line: `expr` as printed evaluates to `text` at `line`."""

    line: int
    expr: str
    text: str


@dataclass(frozen=True)
class Segment:
    text: str
    line: int


def clean(text: str) -> str:
    """A cell or segment without emphasis, boxes and math delimiters."""
    text = _WRAPPERS.sub(" ", _FOOTNOTE.sub("", text)).replace(r"\text{}", "")
    text = text.strip().rstrip(".,;:!").strip()
    while text.endswith("}") and text.count("{") < text.count("}"):
        text = text[:-1].strip()
    return text


def number_text(text: str) -> str | None:
    """The printed number if the text is one number (0.14236, +0.07223, (-0.04246), 1.2 \\times 10^{-6})."""
    t = clean(text)
    if not NUMBER.fullmatch(t):
        return None
    t = t.strip().strip("()").strip().replace("−", "-").replace(" ", "").replace("×", r"\times")
    return t.lstrip("+").replace(r"\times", r" \times ")


def leading_number(text: str) -> str | None:
    """The number a segment starts with when prose follows it (`0.606 vs target`)."""
    m = _LEADING_NUMBER.match(clean(text))
    if m is None:
        return None
    rest = m.group(2).strip()
    if rest and rest[0] in "×*·+-−/^(\\{[" and not rest.startswith("\\text"):
        return None
    return number_text(m.group(1))


def _span(m: re.Match) -> str:
    return next(g for g in m.groups() if g is not None)


def _closer(opener: str, env: str | None) -> re.Pattern:
    """What ends a display opened by `opener`: $$ by $$, \\[ by \\], an environment by its \\end."""
    if env is not None:
        return re.compile(rf"\\end\{{{env}\*?\}}")
    return re.compile(re.escape("$$" if opener == "$$" else "\\]"))


class Reader:
    """Collects claims and sums from one document for one network's names."""

    def __init__(self, names: Names):
        self.names = names
        self.claims: list[Claim] = []
        self.sums: list[Sum] = []
        self.subject: tuple[str, int] | None = None  # the vector or matrix of the last display
        self.context: tuple[Ref, str] | None = None  # the quantity a bold line names: **Neuron 2 ($net_{h2}$)**

    # ------------------------------------------------------------ statements

    def arithmetic(self, text: str) -> bool:
        return is_arithmetic(clean(text), self.names.constants)

    def name_of(self, text: str, suffix: bool = False) -> tuple[Ref, str] | None:
        t = clean(text)
        if not t or t[0].isdigit() or (t[0] in "-+" and len(t) > 1 and t[1].isdigit()):
            return None
        ref = self.names.lookup(t)
        if ref is not None:
            return ref, t
        if t.lower().startswith("compute "):  # a step's label: `Compute $o_1$`
            ref = self.names.lookup(t[8:])
            if ref is not None:
                return ref, t[8:].strip()
        if suffix:  # prose before a name: `Hence o1`, `Output 1: o_1`
            words = t.split()
            for n in range(1, len(words)):
                if not re.fullmatch(r"[A-Za-z0-9]+[:,]?", words[n - 1]):
                    break
                tail = " ".join(words[n:])
                ref = self.names.lookup(tail)
                if ref is not None:
                    return ref, tail
        return None

    def chain(self, segments: list[Segment], named: bool, prose: bool = False) -> None:
        """`a = b = ... = 0.123`: the last named segment claims the final number; an arithmetic
        segment followed by a number is a sum."""
        if len(segments) < 2:
            return
        texts = [s.text for s in segments]
        numbers = [number_text(t) for t in texts]
        if numbers[-1] is None and prose:
            numbers[-1] = leading_number(texts[-1])
        for k in range(1, len(segments)):
            if numbers[k] is not None and numbers[k - 1] is None and self.arithmetic(texts[k - 1]):
                self.sums.append(Sum(segments[k].line, clean(texts[k - 1]), numbers[k]))
        if not named:
            return
        for k in range(1, len(segments)):
            if numbers[k] is None:
                continue
            # The subject: the nearest named segment before this number, with nothing but
            # expressions of it in between.
            for m in range(k - 1, -1, -1):
                if numbers[m] is not None:
                    break
                found = self.name_of(texts[m], suffix=(m == 0 and prose))
                if found is not None:
                    self.claims.append(Claim(segments[k].line, found[0], found[1], numbers[k]))
                    break

    def statement(self, text: str, line: int, named: bool, prose: bool = False) -> None:
        for part in _STATEMENT_SPLIT.split(text):
            if _MATRIX.search(part):
                continue
            self.chain([Segment(s, line) for s in _CHAIN_SPLIT.split(part)], named, prose)

    def prose_line(self, text: str, line: int, named: bool) -> None:
        spans = [_span(m) for m in _MATH_SPAN.finditer(text)]
        if spans:
            for span in spans:
                self.statement(span, line, named)
        else:
            for part in _PROSE_SPLIT.split(text):
                self.statement(part, line, named, prose=True)

    # ------------------------------------------------------------ display math

    def display(self, rows: list[Segment], named: bool) -> None:
        """An align block: a row that starts with `=` continues the previous row's chain."""
        current: list[Segment] = []
        for row in rows:
            text = re.sub(r"\\(?:begin|end)\{[a-z*]+\}|\\tag\{[^}]*\}|\\label\{[^}]*\}|\\nonumber", "", row.text)
            text = text.replace("&", " ").strip()
            if not text:
                continue
            if _MATRIX.search(text):
                self.flush(current, named)
                current = []
                continue
            parts = [Segment(s, row.line) for s in _CHAIN_SPLIT.split(text)]
            if re.match(r"^(?:=|\\approx|≈)", text) and current:
                current.extend(parts[1:])
            else:
                self.flush(current, named)
                current = parts
        self.flush(current, named)

    def flush(self, segments: list[Segment], named: bool) -> None:
        if not segments:
            return
        # Statement separators inside a chain (\quad, \Rightarrow) end it.
        joined: list[Segment] = []
        for seg in segments:
            pieces = _STATEMENT_SPLIT.split(seg.text)
            if len(pieces) > 1:
                joined.append(Segment(pieces[0], seg.line))
                self.chain(joined, named)
                for piece in pieces[1:-1]:
                    self.statement(piece, seg.line, named)
                joined = [Segment(pieces[-1], seg.line)]
            else:
                joined.append(seg)
        self.chain(joined, named)

    def cases(self, block: list[Segment], named: bool) -> None:
        """`\\begin{cases} ... \\end{cases} = z = 0.61215 > 0 = 1.00000` under a bold line naming a
        neuron's sensitivity: the derivative of a piecewise activation at its net input."""
        if not named or self.context is None or self.context[0].kind != "derivative":
            return
        last = block[-1] if block and block[-1].text.strip() else (block[-2] if len(block) > 1 else None)
        m = re.search(r"=\s*(\S+)\s*$", last.text) if last is not None else None
        value = number_text(m.group(1)) if m is not None else None
        if value is not None:
            self.claims.append(Claim(last.line, self.context[0], self.context[1], value))

    # ------------------------------------------------------------ matrix form

    def matrices(self, block: list[Segment], named: bool) -> None:
        """`\\boldsymbol{\\delta}^{(1)} = ... = \\begin{bmatrix} 0.00377 \\\\ 0.00450 \\end{bmatrix}`: each
        entry of the final matrix claims the entry of the named vector or matrix. A display that
        starts with `=` continues the previous display's chain."""
        text = r" \\ ".join(seg.text for seg in block)
        line = block[-1].line if block else 0
        parts = [p.strip() for p in _CHAIN_SPLIT.split(text)]
        if not named or len(parts) < 1:
            return
        if parts[0] == "" and self.subject is not None:
            subject = self.subject
        else:
            subject = self.names.vectors.get(normalize(parts[0]))
            self.subject = subject
        if subject is None or len(parts) < 2:
            return
        m = re.fullmatch(r"\\begin\{[bp]matrix\}(.*)\\end\{[bp]matrix\}", parts[-1].strip(), re.S)
        if m is None:
            return
        rows = [[number_text(c) for c in r.split("&")] for r in m.group(1).split(r"\\") if r.strip()]
        if any(x is None for r in rows for x in r):
            return
        kind, l = subject
        spec = self.names.spec
        if kind in ("W", "W_new", "grad_W"):
            if len(rows) != spec.layers[l] or any(len(r) != spec.layers[l - 1] for r in rows):
                return
            for j, r in enumerate(rows):
                for i, x in enumerate(r):
                    self.claims.append(Claim(line, Ref(kind, l, j, i), f"{parts[0]} [{j + 1},{i + 1}]", x))
            return
        size = spec.layers[l]
        if len(rows) != size or any(len(r) != 1 for r in rows):
            return
        for j, r in enumerate(rows):
            self.claims.append(Claim(line, Ref(kind, l, j), f"{parts[0] or 'vector'} [{j + 1}]", r[0]))

    # ------------------------------------------------------------ tables

    def row(self, cells: list[str], header: list[str] | None, line: int, named: bool) -> None:
        kinds = []
        for cell in cells:
            num = number_text(cell)
            if num is not None and "." not in num:  # a step number, not a value
                num = None
            name = None if num is not None else self.name_of(cell)
            kinds.append((num, name))
        for (num, name), cell in zip(kinds, cells):
            if num is None and name is None:
                self.prose_line(cell if "$" in cell else f"${cell}$", line, named)
        numbered = [c for c, (num, _) in enumerate(kinds) if num is not None]
        if not numbered:
            return
        if header is not None and len(header) == len(cells) and len(numbered) == 3 and \
                clean(header[numbered[-1]]).lower() == "product":
            # A breakdown row: weight, input, and their product.
            a, b, product = (kinds[c][0] for c in numbered)
            self.sums.append(Sum(line, f"{a} \\times {b}", product))
            return
        if clean(cells[0]).lower() in ("sum", "total") and named:
            # The sum row of a breakdown whose neuron the bold line above it names, or the total
            # of a table that restates a sum just derived (the paths into a neuron).
            recent = self.claims[-1] if self.claims else None
            if self.context is not None:
                self.claims.append(Claim(line, self.context[0], self.context[1], kinds[numbered[-1]][0]))
            elif recent is not None and recent.ref.kind == "error" and line - recent.line <= 12:
                self.claims.append(Claim(line, recent.ref, recent.name, kinds[numbered[-1]][0]))
            return
        entity = next((kinds[c][1] for c in range(len(cells)) if kinds[c][1] is not None), None)
        layer = self.names.layer_names.get(normalize(clean(cells[0])))
        neuron = next((self.names.neuron_of(clean(cells[c])) for c in range(len(cells))
                       if self.names.neuron_of(clean(cells[c])) is not None), None)
        if len(numbered) == 1:
            v = numbered[0]
            value = kinds[v][0]
            before = cells[v - 1] if v > 0 else ""
            claims_before = len(self.claims)
            if v > 0 and kinds[v - 1][1] is not None:
                ref, name = kinds[v - 1][1]
                if header is not None and len(header) == len(cells):
                    ref = self.column(header[v], kinds[v - 1][1], self.names.neuron_of(name), single=True)
                if named and ref is not None:
                    self.claims.append(Claim(line, ref, name, value))
                return
            if v > 0 and kinds[v - 1][0] is None:
                spans = [_span(m) for m in _MATH_SPAN.finditer(before)]
                text = spans[-1] if spans else before
                # A name in prose (`Total error to $h_1$`) describes the row, it is not its subject.
                outside = _MATH_SPAN.sub("", before).strip(" *")
                subject = named and (not outside or bool(_CHAIN_SPLIT.search(text)))
                if not _MATRIX.search(text):
                    parts = _STATEMENT_SPLIT.split(text)
                    segs = [Segment(s, line) for s in _CHAIN_SPLIT.split(parts[-1])] + [Segment(value, line)]
                    self.chain(segs, subject)
            # A row whose value is computed on it (`0.40 - 0.03612`) names nothing else.
            computed = v > 0 and kinds[v - 1][0] is None and self.arithmetic(before)
            if len(self.claims) > claims_before or not named or computed:
                return
        if not named or header is None or len(header) != len(cells):
            return
        for c in numbered:
            ref = self.column(header[c], entity, neuron, single=len(numbered) == 1, layer=layer)
            if ref is not None:
                label = entity[1] if entity is not None else clean(cells[0])
                self.claims.append(Claim(line, ref, f"{label} [{clean(header[c])}]", kinds[c][0]))

    def column(self, title: str, entity, neuron, single: bool, layer: int | None = None) -> Ref | None:
        """The quantity in a column: `Gradient` of the row's w_5, `Net Input` of its neuron H_1,
        `Largest |dE/dw|` of its layer."""
        h = title.lower()
        if _SKIP_COLUMN.search(h):
            return None
        if layer is not None and re.search(r"partial|∂", h):
            if "mean" in h:
                return Ref("mean_abs_grad", layer)
            if re.search(r"largest|max", h):
                return Ref("max_abs_grad", layer)
        ref = entity[0] if entity is not None else None
        if ref is not None and ref.kind in ("W", "b"):
            p = ref.kind
            if "old" in h:
                return ref
            if "grad" in h:
                return Ref(f"grad_{p}", ref.l, ref.j, ref.i)
            if "new" in h:
                return Ref(f"{p}_new", ref.l, ref.j, ref.i)
            if re.search(r"update|change|\\delta|δ|step", h):
                return Ref(f"change_{p}", ref.l, ref.j, ref.i)
            return ref if single and re.search(r"value", h) else None
        if neuron is not None:
            l, j = neuron
            if re.search(r"\bnet\b|\(z\)|net input", h):
                return Ref("z", l, j) if l > 0 else None
            if re.search(r"activation|\(a\)|output", h):
                return Ref("a", l, j) if l > 0 else Ref("input", 0, j)
            if re.search(r"delta|δ", h):
                return Ref("delta", l, j) if l > 0 else None
        if ref is not None and re.search(r"value|result", h):
            return ref
        return None

    # ------------------------------------------------------------ the document

    def read(self, lines: list[str]) -> None:
        named = True
        header: list[str] | None = None
        in_table = latex_header = False
        fence = False
        block: list[Segment] | None = None
        closing = re.compile("$^")
        block_named = True
        n = 0
        while n < len(lines):
            raw = lines[n]
            line = n + 1
            n += 1
            stripped = raw.strip()
            if stripped.startswith("```") or stripped.startswith("~~~"):
                fence = not fence
                continue
            if fence:
                continue
            if block is not None:
                close = closing.search(stripped)
                if close:
                    body = stripped[:close.start()]
                    if body:
                        block.extend(Segment(p, line) for p in body.split(r"\\"))
                    if any("{cases}" in seg.text for seg in block):
                        self.cases(block, block_named)
                    elif any(_MATRIX.search(seg.text) for seg in block):
                        self.matrices(block, block_named)
                    else:
                        self.display(block, block_named)
                    block = None
                else:
                    block.extend(Segment(p, line) for p in stripped.split(r"\\"))
                continue
            heading = _HEADING.match(raw)
            if heading and not stripped.startswith("|"):
                title = next(g for g in heading.groups() if g is not None)
                if heading.group(1) is not None or heading.group(2) is not None:  # a section
                    named = not _OTHER_VALUES.search(title)
                    self.context = None
                else:
                    spans = [m.group(2) for m in _MATH_SPAN.finditer(title) if m.group(2)]
                    found = [self.name_of(x) for x in spans]
                    self.context = found[0] if len(found) == 1 and found[0] is not None else None
                    if self.context is not None and "sensitivity" in title and self.context[0].kind == "a":
                        ref = self.context[0]
                        self.context = (Ref("derivative", ref.l, ref.j), self.context[1])
            opening = _DISPLAY_OPEN.match(stripped)
            if opening:
                rest = stripped[opening.end():]
                closing = _closer(opening.group(1), opening.group(2))
                close = closing.search(rest) if rest else None
                if close:  # $$ x = 1 $$ on one line
                    self.display([Segment(rest[:close.start()], line)], named)
                else:
                    block = [Segment(p, line) for p in rest.split(r"\\")] if rest else []
                    block_named = named
                continue
            line_named = named and not _OTHER_VALUES.search(raw)
            if stripped.startswith("|") and stripped.count("|") >= 2:
                cells = [c.strip() for c in stripped.strip("|").split("|")]
                if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                    continue
                following = lines[n].strip() if n < len(lines) else ""
                if re.fullmatch(r"\|?\s*:?-{2,}.*", following):
                    header = cells
                    in_table = True
                    continue
                self.row(cells, header if in_table else None, line, line_named)
                continue
            if re.match(r"\\(?:toprule|hline)", stripped):
                latex_header = True
                header = None
                continue
            if re.match(r"\\(?:midrule|endhead|endfirsthead|bottomrule|begin\{(?:long)?table|end\{(?:long)?table)",
                        stripped):
                in_table = stripped.startswith(("\\midrule", "\\endhead", "\\endfirsthead"))
                continue
            row_end = re.search(r"\\\\\*?\s*$", stripped)
            if row_end and re.search(r"(?<!\\)&", stripped):
                cells = [c.strip() for c in re.split(r"(?<!\\)&", stripped[:row_end.start()])]
                if latex_header:
                    header, latex_header, in_table = cells, False, True
                    continue
                self.row(cells, header if in_table else None, line, line_named)
                continue
            in_table = False
            latex_header = False
            header = None
            self.prose_line(raw, line, line_named)


def read_claims(lines: list[str], names: Names) -> tuple[list[Claim], list[Sum]]:
    reader = Reader(names)
    reader.read(lines)
    return reader.claims, reader.sums
