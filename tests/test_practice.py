"""Practice sheets and keys: one draw for both, answers that are the calculator's, tolerances that
accept every careful hand computation and refuse real mistakes, Markdown and LaTeX that render."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal, localcontext

import pytest
from mdcheck import check_anchors, check_github_math, check_math, check_tables, skip_or_fail

from worksheet import api
from worksheet.engine.calculator import calculate
from worksheet.engine.intervals import Iv
from worksheet.documents.numbers import fmt, round_decimal
from worksheet.assessment.questions import LEVELS, Quantity, shown, tolerance
from worksheet.assessment.sheets import build_problems, sheet_context
from worksheet import Network, Sheet, write

# Every activation and loss, biases, depth, rounding and the update orders.
SPREAD = [
    dict(),
    dict(layers="3-4-2", activation="tanh,sigmoid", bias=True, lr=0.3),
    dict(layers="3-3-2-2", activation="relu,tanh,softmax", loss="cross_entropy", bias=True),
    dict(layers="2-3-2", activation="leaky_relu,sigmoid", loss="bce", leaky_slope=0.1),
    dict(layers="2-2", activation="linear", loss="mse"),
    dict(layers="2-3-3", activation="sigmoid,softmax", loss="mse", bias=True),
    dict(layers="3-2-2", activation="relu,linear", bias=True, bias_policy="frozen"),
    dict(layers="2-2-2", update_order="sequential"),
    dict(layers="2-2-2", rounding="carried", precision=4),
    dict(layers="2-3-2", precision=3, bias=True),
    dict(layers="2-2-4-2", activation="tanh,relu,sigmoid", bias=True, steps=2),
]


def draw(options: dict, level: str, seed: int, problems: int = 1):
    sheet = api.load_sheet(Network(**options, seed=seed), Sheet(level=level, problems=problems), None, "Practice")
    return sheet, build_problems(sheet, seed)


def levels_for(options: dict):
    return [lv for lv in LEVELS if not (lv == "hidden" and options.get("layers") == "2-2")]


def accepted(answer, text: str) -> bool:
    return abs(Decimal(text) - Decimal(answer.text)) <= answer.tolerance


# ---------------------------------------------------------------- the tolerance rule


@pytest.mark.parametrize(
    "text, lo, hi, expected",
    [
        ("0.59327", "0.593269992", "0.593269992", (0, "0.000005", "0.59327", "0.59327")),
        ("0.59327", "0.593265", "0.59327", (0, "0.000005", "0.59327", "0.59327")),  # round(lo) is 0.59327
        ("0.59327", "0.5932649", "0.5932751", (1, "0.000015", "0.59326", "0.59328")),
        ("0.02750", "0.0275", "0.0275", (0, "0.000005", "0.02750", "0.02750")),
        ("-0.04267", "-0.042693", "-0.04266", (2, "0.000025", "-0.04269", "-0.04265")),
        ("0.000188", "0.0001874", "0.0001886", (1, "0.0000015", "0.000187", "0.000189")),
        ("0.559128", "0.5591262", "0.559128", (2, "0.0000025", "0.559126", "0.559130")),
        ("0.47", "0.46", "0.474", (1, "0.015", "0.46", "0.48")),
    ],
)
def test_tolerance_is_whole_units_plus_half_a_unit(text, lo, hi, expected):
    k, tol, low, high = tolerance(text, Iv(Decimal(lo), Decimal(hi)))
    assert (k, format(tol, "f"), low, high) == expected


# ---------------------------------------------------------------- the key is the calculator's


@pytest.mark.parametrize("options", SPREAD, ids=[str(o) for o in SPREAD])
def test_key_answers_are_the_calculators_values(options):
    for seed in range(4):
        for level in levels_for(options):
            _, problems = draw(options, level, seed)
            p = problems[0]
            # An independent calculation on the same numbers: the key never redraws.
            again = calculate(p.trace.spec, p.trace.values)
            assert again == p.trace
            for a in p.answers:
                assert a.text == shown(again, a.quantity)
                if not a.quantity.kind.endswith("_new"):
                    assert Decimal(a.text) == round_decimal(a.value, p.trace.spec.precision)
                # The interval of reachable values holds the exact value (up to the double's error).
                slack = abs(Decimal(repr(a.value))) * Decimal("1e-12") + Decimal("1e-20")
                assert a.interval.lo - slack <= Decimal(repr(a.value)) <= a.interval.hi + slack


def test_sheet_and_key_come_from_one_draw_and_the_sheet_gives_no_answer(tmp_path):
    files = write(api.practice(Network(seed=7), Sheet(level="full", problems=3), formats=("md", "json"), out=tmp_path))
    sheet = (tmp_path / "practice.md").read_text(encoding="utf-8")
    key = (tmp_path / "key.md").read_text(encoding="utf-8")
    data = json.loads((tmp_path / "key.json").read_text(encoding="utf-8"))
    assert sorted(p.name for p in files) == ["key.json", "key.md", "practice.md"]

    def data_blocks(md: str) -> list[str]:
        return [part.split("**Rounding:**")[0].split("\n", 1)[1] for part in md.split("\n## Problem ")[1:]]

    assert data_blocks(sheet) == data_blocks(key)  # the same numbers on both
    answers = [q["expected"] for p in data["problems"] for q in p["questions"]]
    assert len(answers) == 27 and len(data["problems"]) == 3
    for value in answers:
        assert f"${value}$" in key
        assert value not in sheet
    # Problem 1 is drawn from the sheet's seed itself: `generate --seed 7` shows its full solution.
    assert data["problems"][0]["seed"] == 7
    assert len({p["seed"] for p in data["problems"]}) == 3


def test_levels_ask_their_quantities_and_the_seed_varies_them():
    kinds = {
        "forward": {"z", "a"},
        "loss": {"a", "E_k", "E"},
        "output": {"dE_do", "delta", "grad_W", "W_new", "b_new"},
        "hidden": {"error", "delta", "grad_W", "W_new", "b_new"},
        "full": {"a", "E", "delta", "grad_W", "W_new"},
    }
    for level, allowed in kinds.items():
        asked, counts, labels = set(), set(), set()
        for seed in range(12):
            _, (p,) = draw({"layers": "3-3-2", "bias": True}, level, seed)
            assert {a.quantity.kind for a in p.answers} <= allowed, level
            if level == "output":
                assert all(a.quantity.l in (0, 2) for a in p.answers)
            if level == "hidden":
                assert all(a.quantity.l == 1 for a in p.answers if a.quantity.kind != "E")
            asked.add(tuple(a.quantity for a in p.answers))
            counts.add(len(p.answers))
            labels.add(tuple(a.quantity.kind for a in p.answers))
        assert len(asked) >= 4, f"{level}: neighbours' sheets should differ"
        assert len(counts) == 1 and len(labels) == 1, f"{level}: every variant asks the same kinds in the same order"


def test_bad_levels_and_points_are_refused():
    with pytest.raises(api.SpecError, match="level 'deep' is not known; allowed: forward, loss, output, hidden, full"):
        draw({}, "deep", 1)
    with pytest.raises(api.SpecError, match="needs a hidden layer"):
        draw({"layers": "2-2"}, "hidden", 1)
    with pytest.raises(api.SpecError, match="points 0 is out of range"):
        api.load_sheet(Network(seed=1), Sheet(level="full", points="0"), None, "x")


# ---------------------------------------------------------------- students at the requested precision


@pytest.mark.slow
@pytest.mark.parametrize("options", SPREAD, ids=[str(o) for o in SPREAD])
def test_carried_and_exact_students_get_every_question_right(options):
    """The calculator's carried trace is a student who rounds every intermediate to the sheet's
    digits and reuses it; its exact trace one who keeps every digit. Both are right everywhere."""
    checked = 0
    for seed in range(24):
        for level in levels_for(options):
            _, (p,) = draw(options, level, seed)
            for rounding in ("carried", "exact"):
                student = calculate(replace(p.trace.spec, rounding=rounding), p.trace.values)
                for a in p.answers:
                    given = shown(student, a.quantity)
                    assert accepted(a, given), (seed, level, rounding, a.quantity, a.text, given, a.tolerance)
                    checked += 1
    assert checked > 500


def _hand(spec, values, rng: random.Random, forget_derivative: bool = False) -> dict[Quantity, str]:
    """An independent hand computation (sigmoid, tanh, relu or linear layers; half_sse or mse):
    each value written down is rounded to the sheet's digits or kept, at random; the sigmoid is
    1 / (1 + e^{-z}) or e^{z} / (1 + e^{z}), tanh comes from e^{2z}, and the derivatives are taken
    in the student's own form (o - o^2 rather than o(1 - o))."""
    p = spec.precision
    D = lambda x: Decimal(repr(x))

    def w(x: Decimal) -> Decimal:
        return round_decimal(x, p) if rng.random() < 0.75 else x

    def act(name, z):
        if name == "sigmoid":
            if rng.random() < 0.5:
                e = w(z.exp())
                return w(e / (1 + e))
            return w(1 / (1 + w((-z).exp())))
        if name == "tanh":
            e = (2 * z).exp()
            return w((e - 1) / (e + 1))
        if name == "relu":
            return z if z > 0 else Decimal(0)
        return z

    def der(name, z, a):
        if forget_derivative:
            return Decimal(1)
        if name == "sigmoid":
            return w(a - a * a)
        if name == "tanh":
            return w(1 - a * a)
        if name == "relu":
            return Decimal(1 if z > 0 else 0)
        return Decimal(1)

    out: dict[Quantity, str] = {}
    with localcontext() as ctx:
        ctx.prec = 30
        a_prev = [D(x) for x in values.input]
        inputs, zs, acts = [], [], []
        for l, W in enumerate(values.weights, start=1):
            b = values.biases[l - 1] if values.biases else None
            z = [w(sum((w(D(wi) * ai) for wi, ai in zip(row, a_prev)), Decimal(0)) + (D(b[j]) if b else 0))
                 for j, row in enumerate(W)]
            a = [act(spec.activations[l - 1], zj) for zj in z]
            for j in range(len(z)):
                out[Quantity("z", l, j)] = fmt(z[j], p)
                out[Quantity("a", l, j)] = fmt(a[j], p)
            inputs.append(a_prev)
            zs.append(z)
            acts.append(a)
            a_prev = a
        t = [D(x) for x in values.target]
        o = acts[-1]
        n = len(t)
        terms = [w(w((ti - oi) ** 2) / (2 if spec.loss == "half_sse" else n)) for ti, oi in zip(t, o)]
        for k, e in enumerate(terms):
            out[Quantity("E_k", 0, k)] = fmt(e, p)
        out[Quantity("E")] = fmt(w(sum(terms, Decimal(0))), p)
        L = spec.depth
        lr = D(spec.lr)
        delta_next = None
        for l in range(L, 0, -1):
            z, a = zs[l - 1], acts[l - 1]
            name = spec.activations[l - 1]
            if l == L:
                err = [w(oi - ti) if spec.loss == "half_sse" else w(2 * (oi - ti) / n) for oi, ti in zip(o, t)]
                for k, e in enumerate(err):
                    out[Quantity("dE_do", L, k)] = fmt(e, p)
            else:
                W_next = values.weights[l]
                err = [w(sum((w(delta_next[k] * D(W_next[k][j])) for k in range(len(delta_next))), Decimal(0)))
                       for j in range(len(z))]
                for j, e in enumerate(err):
                    out[Quantity("error", l, j)] = fmt(e, p)
            delta = [w(e * der(name, zj, aj)) for e, zj, aj in zip(err, z, a)]
            W = values.weights[l - 1]
            for j, d in enumerate(delta):
                out[Quantity("delta", l, j)] = fmt(d, p)
                for i, x in enumerate(inputs[l - 1]):
                    g = w(d * x)
                    out[Quantity("grad_W", l, j, i)] = fmt(g, p)
                    step = round_decimal(lr * Decimal(fmt(g, p)), p)  # the sheet: the step rounded
                    out[Quantity("W_new", l, j, i)] = format(D(W[j][i]) - step, "f")
                if values.biases:
                    step = round_decimal(lr * Decimal(fmt(d, p)), p)
                    out[Quantity("b_new", l, j)] = format(D(values.biases[l - 1][j]) - step, "f")
                    out[Quantity("grad_b", l, j)] = fmt(d, p)
            delta_next = delta
    return out


HAND = [
    dict(layers="2-2-2"),
    dict(layers="2-3-2", activation="tanh,sigmoid", bias=True, lr=0.3),
    dict(layers="3-3-2", activation="relu,sigmoid", loss="mse", bias=True),
    dict(layers="2-3-3-2", activation="sigmoid,tanh,linear"),
    dict(layers="2-2-2", precision=4, rounding="carried"),
    dict(layers="2-3-2", precision=3),
]


@pytest.mark.slow
@pytest.mark.parametrize("options", HAND, ids=[str(o) for o in HAND])
def test_a_student_rounding_as_they_like_gets_every_question_right(options):
    rng = random.Random(1)
    checked = 0
    for seed in range(30):
        for level in levels_for(options):
            _, (p,) = draw(options, level, seed)
            for _ in range(3):
                hand = _hand(p.trace.spec, p.trace.values, rng)
                for a in p.answers:
                    assert accepted(a, hand[a.quantity]), (seed, level, a.quantity, a.text, hand[a.quantity], a.tolerance)
                    checked += 1
    assert checked > 300


def test_real_mistakes_are_marked_wrong():
    wrong_deltas = sign_errors = 0
    rng = random.Random(2)
    for seed in range(40):
        for level in ("output", "hidden", "full"):
            _, (p,) = draw({"layers": "2-3-2", "bias": seed % 2 == 0}, level, seed)
            forgot = _hand(p.trace.spec, p.trace.values, rng, forget_derivative=True)
            for a in p.answers:
                if a.quantity.kind == "delta":  # sigmoid'(z) <= 1/4: forgetting it is far off
                    assert not accepted(a, forgot[a.quantity]), (seed, a.quantity, a.text, forgot[a.quantity])
                    wrong_deltas += 1
                if Decimal(a.text) != 0:
                    assert not accepted(a, str(-Decimal(a.text))), (seed, a.quantity, a.text)
                    sign_errors += 1
    assert wrong_deltas > 50 and sign_errors > 200


def test_hidden_gradients_keep_three_significant_digits():
    for seed in range(20):
        _, (p,) = draw({"layers": "2-2-2"}, "hidden", seed)
        for a in p.answers:
            if a.quantity.kind == "grad_W" and 0 < abs(a.value) < 0.001:
                digits = a.text.lstrip("-0.")
                assert len(digits) == 3, a.text
                assert a.tolerance < Decimal("0.05") * abs(Decimal(a.text))


def test_a_key_works_each_value_out_once():
    """A delta whose error (hidden) or dE/do (output) an earlier question asks takes that answer as
    printed, a softmax delta the dE/do_k another one showed; no line of a key repeats another."""
    from worksheet.assessment.sheets import worked_answers
    from worksheet.documents.numbers import Formatter

    reused = 0
    for seed in range(12):
        for options, level in (({"layers": "2-3-2"}, "hidden"), ({"layers": "2-2-2"}, "output"),
                               ({"layers": "3-3-2-2", "activation": "relu,tanh,softmax", "loss": "cross_entropy"},
                                "full"),
                               # each softmax delta needs every dE/do_k: worked out once
                               ({"layers": "2-3-3", "activation": "sigmoid,softmax", "loss": "mse"}, "output"),
                               ({"layers": "2-3-3", "activation": "tanh,softmax", "loss": "bce"}, "full")):
            _, (p,) = draw(options, level, seed)
            answers, working = worked_answers(p, Formatter(p.trace.spec.precision, True))
            lines = [line.tex() for line in working] + [line.tex() for _, work, _ in answers for line in work]
            assert len(lines) == len(set(lines)), (seed, level)
            printed = {a.quantity: a.text for a in p.answers}
            for a, (_, work, _) in zip(p.answers, answers):
                q = a.quantity
                earlier = Quantity("error" if q.l < p.trace.spec.depth else "dE_do", q.l, q.j)
                if q.kind == "delta" and earlier in printed and work[-1].sides[2][0] == "times":
                    # delta = (earlier answer) x f'(net): the earlier answer's value, as printed
                    assert work[-1].sides[2][1].text == printed[earlier]
                    reused += 1
    assert reused > 10


# ---------------------------------------------------------------- documents


@pytest.fixture(scope="module")
def markdown() -> list[tuple[str, str]]:
    docs = []
    for n, options in enumerate(SPREAD):
        level = levels_for(options)[n % len(levels_for(options))]
        sheet, problems = draw(dict(options, title="Quiz & Co #1"), level, n, problems=2)
        ctx = sheet_context(replace(sheet, full_solutions=n % 4 == 0), problems,
                            {"seed": n, "options_hash": sheet.options_hash()})
        assert json.loads(json.dumps(ctx)) == ctx  # plain data, as the templates get it
        files, _, _ = api._sheet_files(ctx, problems, ("md",), {"sheet": "practice", "key": "key"}, ("s", "k"))
        docs += [(f"{options} sheet", files["practice.md"]), (f"{options} key", files["key.md"])]
    return docs


@pytest.mark.slow
def test_markdown_renders_on_github(markdown):
    errors = check_math("\n\n".join(md for _, md in markdown))
    assert not errors, "\n".join(errors[:20])
    for name, md in markdown:
        errors = check_tables(md) + check_github_math(md) + check_anchors(md)
        assert not errors, f"{name}:\n" + "\n".join(errors[:20])
        assert "{{" not in md and "None" not in md and not any(c in md for c in "\x00"), name


def test_full_solutions_append_the_walkthrough(markdown):
    keys = [md for name, md in markdown if name.endswith("key")]
    with_full = [md for md in keys if "# Full solutions" in md]
    assert with_full and len(with_full) < len(keys)
    for md in with_full:
        assert "### Feed-Forward Calculation Steps" in md and "## Full solution of problem 2" in md


def run(args, cwd):
    return subprocess.run([sys.executable, "-m", "worksheet", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.mark.slow
def test_practice_command_writes_sheet_key_and_json(tmp_path):
    result = run(["practice", "--seed", "7", "--problems", "3", "--level", "hidden", "--format", "md,json"], tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "output" / "practice-7"
    assert sorted(p.name for p in out.iterdir()) == ["key.json", "key.md", "practice.md"]
    data = json.loads((out / "key.json").read_text(encoding="utf-8"))
    assert data["schema"] == "worksheet.key/1" and data["seed"] == 7
    assert [q["label"] for q in data["problems"][1]["questions"]][:2] == ["2a", "2b"]
    assert "worksheet 0.1.0 · seed 7 · options " in (out / "practice.md").read_text(encoding="utf-8")
    again = run(["practice", "--seed", "7", "--problems", "3", "--level", "hidden", "--format", "md,json",
                 "--out", "again"], tmp_path)
    assert again.returncode == 0
    for name in ("key.json", "key.md", "practice.md"):
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes()


def test_practice_without_seed_draws_one_and_prints_it_on_the_sheet(tmp_path):
    seeds = []
    for name in ("a", "b"):
        write(api.practice(Network(), formats=("md",), out=tmp_path / name))
        seeds.append((tmp_path / name / "practice.md").read_text(encoding="utf-8").split("**Seed** ")[1].split(" ")[0])
    assert all(s.isdigit() for s in seeds) and seeds[0] != seeds[1]


@pytest.mark.tex
@pytest.mark.slow
def test_latex_sheet_and_key_compile(tmp_path):
    from worksheet.publish.pdf import tex_engine

    if tex_engine() is None:
        skip_or_fail("pdflatex is not installed")
    from pypdf import PdfReader

    write(api.practice(Network(seed=11, bias=True), Sheet(level="full", problems=2), formats=("tex", "pdf", "json"),
                       out=tmp_path))
    data = json.loads((tmp_path / "key.json").read_text(encoding="utf-8"))
    key = "".join(page.extract_text() for page in PdfReader(tmp_path / "key.pdf").pages)
    sheet = "".join(page.extract_text() for page in PdfReader(tmp_path / "practice.pdf").pages)
    for q in (q for p in data["problems"] for q in p["questions"]):
        assert q["expected"].replace("-", "−") in key.replace("-", "−")
        assert q["expected"] not in sheet
    assert "(a)" in sheet and "seed 11" in sheet and "Page 1 of" in sheet
    pdf = (tmp_path / "key.pdf").read_bytes()
    assert b"CreationDate" not in pdf and b"ModDate" not in pdf
    assert (tmp_path / "key.tex").read_text(encoding="utf-8").count("\\begin{document}") == 1


@pytest.mark.tex
@pytest.mark.slow
def test_every_network_typesets_in_latex():
    """Sheets and keys of the whole spread, with every activation's and loss's worked lines, in one
    document: they compile, and each splits off at its destination."""
    from worksheet.publish.pdf import tex_engine

    if tex_engine() is None:
        skip_or_fail("pdflatex is not installed")
    from worksheet.assessment.sheetdocs import render_pair, tex_document
    from worksheet.publish.pdf import compile_pdf
    from worksheet.publish.pdfsplit import page_ranges

    bodies = []
    for n, options in enumerate(SPREAD):
        # The full level and one more, in turn: every kind of question on several networks.
        others = [lv for lv in levels_for(options) if lv != "full"]
        for level in ("full", others[n % len(others)]):
            sheet, problems = draw(dict(options, title="Spread #%d" % n), level, n)
            ctx = sheet_context(sheet, problems, {"seed": n, "options_hash": sheet.options_hash()})
            r = render_pair(ctx, f"s{n}{level}", f"k{n}{level}", ("tex",))
            if level == "full":
                bodies.append((f"s{n}{level}", r.sheet_body))
            bodies.append((f"k{n}{level}", r.key_body))
    reader, pages = page_ranges(compile_pdf(tex_document([body for _, body in bodies]), name="spread.tex"),
                                [tag for tag, _ in bodies])
    assert list(pages) == [tag for tag, _ in bodies]
    first_key = reader.pages[pages["k1full"][0]].extract_text()
    assert "answer key" in first_key and "Page 1 of" in first_key
