"""The HTML pages in a real browser (Debian's Chromium, headless, driven by Playwright): answers
checked with the key's tolerance, known mistakes named, steps revealed in order, progress kept over a
reload, every formula laid out as MathML, usable by keyboard, no layout shift, no console error and
no request beyond the page's own file. Screenshots at phone and desktop widths go to a folder under
pytest's temporary directory, for a person to look at."""

from __future__ import annotations

import contextlib
import random
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from htmlpages import CASES, options, practice_page
from mdcheck import skip_or_fail

import worksheet

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser():
    if shutil.which("chromium") is None and not Path(CHROMIUM).exists():
        skip_or_fail("Debian's Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright is not installed (pip install playwright; it drives the system's Chromium)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=shutil.which("chromium") or CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def opened(browser, path: Path, viewport=DESKTOP, scheme="light", context=None):
    """The page at `path`, failing the test on a console error, an uncaught exception, or any
    request other than the page's own file (such requests are also stopped)."""
    own = context is None
    context = context or browser.new_context(viewport=viewport, color_scheme=scheme)
    url = path.resolve().as_uri()
    problems: list[str] = []
    page = context.new_page()
    page.route(lambda u: u != url, lambda route: (problems.append(f"request {route.request.url}"), route.abort()))
    page.on("request", lambda r: r.url == url or problems.append(f"request {r.url}"))
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.goto(url)
    try:
        yield page
    finally:
        page.close()
        if own:
            context.close()
    assert not problems, problems


def data(page) -> dict:
    return page.evaluate("JSON.parse(document.getElementById('checks').textContent)")


def verdicts(page, label: str, texts: list[str]) -> list[tuple[str, str]]:
    """What the page says to each text as an answer to `label`: (class, message), checked in the
    browser through the form's own submit."""
    return [tuple(v) for v in page.evaluate(
        """([label, texts]) => texts.map((t) => {
            const form = document.getElementById('q-' + label);
            form.querySelector('input').value = t;
            form.requestSubmit();
            const v = form.querySelector('.verdict');
            return [v.className.replace('verdict ', ''), v.textContent];
        })""", [label, texts])]


def typed(page, label: str, text: str) -> tuple[str, str]:
    """Type an answer as a student does and press Enter; the page's verdict."""
    box = page.locator(f"#a-{label}")
    box.fill("")
    box.type(text)
    box.press("Enter")
    v = page.locator(f"#f-{label}")
    return v.get_attribute("class").replace("verdict ", ""), v.text_content()


def show_problem(page, n: int) -> None:
    while page.locator(".pager .where").text_content() != f"Problem {n} of {len(data(page)['problems'])}":
        page.locator(".pager .next").click()


def math_laid_out(page, scope: str) -> list[str]:
    """Every formula under `scope` that the browser did not lay out as MathML."""
    return page.evaluate(
        """(scope) => Array.from(document.querySelectorAll(scope + ' math')).filter((m) => {
            const r = m.getBoundingClientRect();
            return !getComputedStyle(m).display.includes('math') || r.width <= 0 || r.height <= 0
                || m.querySelector('merror');
        }).map((m) => m.outerHTML.slice(0, 120))""", scope)


def text(x: Decimal) -> str:
    return format(x, "f")


@pytest.mark.parametrize("name, level", CASES)
def test_answers_are_checked_with_the_keys_tolerance(browser, tmp_path, name, level):
    page_path = practice_page(tmp_path, name, level)
    with opened(browser, page_path) as page:
        checks = data(page)
        mistakes_seen = 0
        for n, problem in enumerate(checks["problems"], start=1):
            show_problem(page, n)
            for q in problem["questions"]:
                value, tol = Decimal(q["value"]), Decimal(q["tol"])
                # Typed: the key's value, with a decimal comma too.
                assert typed(page, q["label"], q["value"]) == ("right", checks["messages"]["right"])
                assert typed(page, q["label"], q["value"].replace(".", ","))[0] == "right"
                inside = [value + tol, value - tol, value + tol * Decimal("0.37"), value - tol * Decimal("0.81")]
                assert {v[0] for v in verdicts(page, q["label"], [text(x) for x in inside])} == {"right"}
                outside = [value + 3 * tol, value - 3 * tol]
                assert {v[0] for v in verdicts(page, q["label"], [text(x) for x in outside])} == {"not-yet"}
                for m in q["mistakes"]:
                    wrong, wrong_tol = Decimal(m["value"]), Decimal(m["tol"])
                    tries = [m["value"], text(wrong + wrong_tol), m["value"].replace(".", ",")]
                    said = verdicts(page, q["label"], tries)
                    assert said == [("not-yet", m["message"])] * 3
                    mistakes_seen += 1
            # Every formula of the problem, its worked steps shown, laid out as MathML.
            for button in page.locator(f"#problem-{n} .all-steps").all():
                button.click()
            assert not math_laid_out(page, f"#problem-{n}")
        if level in ("hidden", "full"):
            assert mistakes_seen  # the stale-weights pass changes the hidden layer's answers


def test_the_pages_arithmetic_is_exact_decimal_arithmetic(browser, tmp_path):
    """Hundreds of answers around each window's edges, in every spelling a student may use, judged
    by the page as Python's Decimal judges them."""
    rng = random.Random(16)
    with opened(browser, practice_page(tmp_path, "softmax-ce", "full", problems=1)) as page:
        for q in data(page)["problems"][0]["questions"]:
            value, tol = Decimal(q["value"]), Decimal(q["tol"])
            unit = tol / 5
            numbers = [value + tol * sign + unit * Decimal(rng.randint(-3, 3)) / 10 ** rng.randint(0, 3)
                       for sign in (-1, 1) for _ in range(40)]
            spellings = []
            for x in numbers:
                t = text(x)
                spellings.append(rng.choice([t, t.replace(".", ","), f"{x:E}", " " + t + " ",
                                             t.replace("-", "\u2212"), ("+" + t) if x >= 0 else t]))
            expected = [("right" if abs(x - value) <= tol else "not-yet") for x in numbers]
            assert [v[0] for v in verdicts(page, q["label"], spellings)] == expected


def test_notes_for_empty_and_unreadable_answers(browser, tmp_path):
    with opened(browser, practice_page(tmp_path, "reference", "loss")) as page:
        messages = data(page)["messages"]
        said = verdicts(page, "1a", ["", "  ", "abc", "1.2.3", "0,1,2", "1e", "--1", "0x10", "1/2"])
        assert said[:2] == [("note", messages["empty"])] * 2
        assert said[2:] == [("note", messages["invalid"])] * 7
        # An answer is shown as typed text, never read as markup or run.
        said = verdicts(page, "1a", ['<img src=x onerror="window.hit=1">'])
        assert said == [("note", messages["invalid"])] and page.evaluate("window.hit") is None


def test_steps_reveal_in_order_and_the_solution_at_once(browser, tmp_path):
    with opened(browser, practice_page(tmp_path, "tanh-3-4-2", "hidden")) as page:
        # The question with the most steps: a hidden delta (the error sum, the derivative, the
        # delta, and the answer line).
        forms = page.locator("#problem-1 form.question").all()
        form = max(forms, key=lambda f: f.locator(".steps li").count())
        items = form.locator(".steps li")
        count = items.count()
        assert count == 4
        for shown in range(1, count + 1):
            form.locator(".next-step").press("Enter")
            assert [items.nth(k).is_visible() for k in range(count)] == [k < shown for k in range(count)]
        assert form.locator(".next-step").is_disabled()
        # The button that disabled itself hands the keyboard to the steps it revealed.
        assert page.evaluate("document.activeElement.className") == "steps"
        other = next(f for f in forms if f != form)
        other.locator(".all-steps").click()
        assert all(li.is_visible() for li in other.locator(".steps li").all())


def test_progress_survives_a_reload_and_is_kept_per_seed(browser, tmp_path):
    path = practice_page(tmp_path / "a", "reference", "full")
    context = browser.new_context(viewport=DESKTOP)
    with opened(browser, path, context=context) as page:
        checks = data(page)
        total = sum(len(p["questions"]) for p in checks["problems"])
        first, second = checks["problems"][0]["questions"][:2]
        typed(page, first["label"], first["value"])
        typed(page, second["label"], text(Decimal(second["value"]) + 5 * Decimal(second["tol"])))
        page.locator(f"#q-{first['label']} .next-step").click()
        page.locator(".pager .next").click()
        assert page.locator(".pager .where").text_content() == "Problem 2 of 2"
        assert page.locator(".progress").text_content() == f"Answered 2 of {total} · right 1"
    with opened(browser, path, context=context) as page:
        assert page.locator(".pager .where").text_content() == "Problem 2 of 2"
        show_problem(page, 2)
        page.locator(".pager .prev").click()
        assert page.locator(f"#a-{first['label']}").input_value() == first["value"]
        assert page.locator(f"#f-{first['label']}").get_attribute("class") == "verdict right"
        assert page.locator(f"#f-{second['label']}").get_attribute("class") == "verdict not-yet"
        assert page.locator(f"#q-{first['label']} .steps li:not([hidden])").count() == 1
        assert page.locator(".progress").text_content() == f"Answered 2 of {total} · right 1"
    other = practice_page(tmp_path / "b", "reference", "full", seed=12)
    with opened(browser, other, context=context) as page:
        assert page.locator(".progress").text_content().startswith("Answered 0 of ")
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_feedback_moves_nothing_and_the_keyboard_does_everything(browser, tmp_path, viewport):
    with opened(browser, practice_page(tmp_path, "tanh-3-4-2", "full"), viewport=viewport) as page:
        q = next(q for p in data(page)["problems"] for q in p["questions"] if q["mistakes"])
        show_problem(page, int(q["label"][:-1]))
        below = page.locator(f"#q-{q['label']} .reveal")
        before = below.bounding_box()
        for answer in (q["value"], q["mistakes"][0]["value"], "abc", "", "1"):
            verdicts(page, q["label"], [answer])
            assert below.bounding_box() == before
        # Keyboard only: Tab reaches the first answer box, Enter checks, Tab and Enter show a step.
        page.reload()
        page.locator("h1").click()
        first = data(page)["problems"][0]["questions"][0]
        for _ in range(8):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == f"a-{first['label']}":
                break
        assert page.evaluate("document.activeElement.id") == f"a-{first['label']}"
        page.keyboard.type(first["value"].replace(".", ","))
        page.keyboard.press("Enter")
        assert page.locator(f"#f-{first['label']}").get_attribute("class") == "verdict right"
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.locator(f"#q-{first['label']} .steps li:not([hidden])").count() == 1
        # Each box is found by its label, as a screen reader announces it.
        assert page.get_by_label(f"Answer {first['label']}").count() == 1
        # Nothing is wider than the screen but the drawings' and formulas' own scrolling boxes.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("name", ["reference", "tanh-3-4-2", "softmax-ce"])
def test_the_walkthrough_page_renders_every_formula(browser, tmp_path, name):
    network, spec = options(name, 5)
    worksheet.write(worksheet.generate(network, spec=spec, formats=("html",), out=tmp_path))
    with opened(browser, tmp_path / "walkthrough.html") as page:
        assert page.locator("math").count() > 100
        assert not math_laid_out(page, "main")
        assert page.locator("svg.net").is_visible()
        page.locator("details summary").first.click()
        assert page.locator("details").first.get_attribute("open") is None
    with opened(browser, tmp_path / "walkthrough.html", viewport=PHONE) as page:
        # Wide tables and formulas scroll in their own boxes; the page itself fits the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_screenshots_at_phone_and_desktop_widths(browser, tmp_path_factory):
    """Screenshots for a person to look at: not compared, only written (the path is printed)."""
    folder = tmp_path_factory.mktemp("screenshots")
    page_path = practice_page(folder / "pages", "tanh-3-4-2", "full")
    network, spec = options("softmax-ce", 5)
    worksheet.write(worksheet.generate(network, spec=spec, formats=("html",), out=folder / "pages"))
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        for scheme in ("light", "dark"):
            with opened(browser, page_path, viewport=viewport, scheme=scheme) as page:
                q = next(q for q in data(page)["problems"][0]["questions"] if q["mistakes"])
                first = data(page)["problems"][0]["questions"]
                typed(page, first[0]["label"], first[0]["value"])
                typed(page, first[1]["label"], "0,1")
                typed(page, q["label"], q["mistakes"][0]["value"])
                page.locator(f"#q-{first[0]['label']} .next-step").click()
                page.locator(f"#q-{q['label']} .all-steps").click()
                page.screenshot(path=str(folder / f"practice-{size}-{scheme}.png"), full_page=True)
            with opened(browser, folder / "pages" / "walkthrough.html", viewport=viewport, scheme=scheme) as page:
                page.screenshot(path=str(folder / f"walkthrough-{size}-{scheme}.png"))
    assert len(list(folder.glob("*.png"))) == 8
    print(f"screenshots: {folder}")


def test_a_multiple_choice_page_takes_letters(browser, tmp_path):
    docs = worksheet.practice(worksheet.Network(seed=5, layers="2-3-2"), worksheet.Sheet(level="full", choices=4),
                              formats=("html",), out=tmp_path)
    worksheet.write(docs)
    with opened(browser, tmp_path / "practice.html") as page:
        checks = data(page)
        named = 0
        for q in checks["problems"][0]["questions"]:
            right = next(letter for letter, value in q["options"].items() if value == q["value"])
            assert typed(page, q["label"], right.lower()) == ("right", checks["messages"]["right"])
            assert typed(page, q["label"], q["value"])[0] == "right"
            mistakes = {m["value"]: m["message"] for m in q["mistakes"]}
            for letter, value in q["options"].items():
                if letter == right:
                    continue
                said = typed(page, q["label"], letter)
                assert said == ("not-yet", mistakes.get(value, checks["messages"]["wrong"]))
                named += value in mistakes
            assert typed(page, q["label"], "Q") == ("note", checks["messages"]["invalid_choice"])
        assert named  # some options are known mistakes, and the page names them
        assert page.locator(".options").count() == len(checks["problems"][0]["questions"])
