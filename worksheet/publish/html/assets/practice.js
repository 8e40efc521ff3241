"use strict";
// The practice page: checks answers against the key's tolerance in exact decimal arithmetic,
// reveals worked steps, moves between problems and keeps progress in local storage. It reads
// only the data block the page was built with; what a student types is parsed as a number,
// shown only as text, and never run.
(function () {
  const data = JSON.parse(document.getElementById("checks").textContent);
  const messages = data.messages;
  const questions = new Map();
  data.problems.forEach(function (p) {
    p.questions.forEach(function (q) { questions.set(q.label, q); });
  });

  // A decimal as an exact pair (integer digits, places): 0.125 is {digits: 125n, places: 3}.
  const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d{1,3}))?$/i;

  function parseDecimal(text) {
    let t = text.trim().replace(/[\s\u00a0\u202f']/g, "").replace(/\u2212/g, "-");
    if (t.indexOf(",") >= 0) {
      // A decimal comma (0,125); with a point as well the comma would be a thousands separator,
      // which answers between -10 and 10 never need.
      if (t.indexOf(".") >= 0 || t.split(",").length > 2) return null;
      t = t.replace(",", ".");
    }
    const m = NUMBER.exec(t);
    if (!m || (m[2] === "" && (m[3] === undefined || m[3] === ""))) return null;
    const fraction = m[3] || "";
    let digits = BigInt((m[2] || "0") + fraction);
    let places = fraction.length - (m[4] ? parseInt(m[4], 10) : 0);
    if (places < 0) {
      digits *= 10n ** BigInt(-places);
      places = 0;
    }
    return { digits: m[1] === "-" ? -digits : digits, places: places };
  }

  function scaled(x, places) {
    return x.digits * 10n ** BigInt(places - x.places);
  }

  // |x - centre| <= tolerance, exactly.
  function within(x, centre, tolerance) {
    const places = Math.max(x.places, centre.places, tolerance.places);
    let d = scaled(x, places) - scaled(centre, places);
    if (d < 0n) d = -d;
    return d <= scaled(tolerance, places);
  }

  // The verdict on one answer: "right", "wrong", "empty", "invalid", or a known mistake's index.
  function judge(q, text) {
    if (text.trim() === "") return { kind: "empty" };
    // A multiple-choice question takes an option's letter, judged as its value typed out.
    const letter = text.trim().toUpperCase();
    const chosen = q.options && Object.prototype.hasOwnProperty.call(q.options, letter) ? q.options[letter] : null;
    const x = parseDecimal(chosen === null ? text : chosen);
    if (x === null) return { kind: q.options ? "invalid_choice" : "invalid" };
    if (within(x, parseDecimal(q.value), parseDecimal(q.tol))) return { kind: "right" };
    for (let n = 0; n < q.mistakes.length; n++) {
      const m = q.mistakes[n];
      if (within(x, parseDecimal(m.value), parseDecimal(m.tol))) return { kind: "mistake", message: m.message };
    }
    return { kind: "wrong" };
  }

  // ------------------------------------------------------------------ progress in local storage

  function load() {
    try {
      const saved = JSON.parse(window.localStorage.getItem(data.storage) || "{}");
      return saved && typeof saved === "object" ? saved : {};
    } catch (e) {
      return {};  // storage refused (a private window) or unreadable: start afresh
    }
  }
  const state = load();
  state.answers = state.answers && typeof state.answers === "object" ? state.answers : {};
  state.steps = state.steps && typeof state.steps === "object" ? state.steps : {};

  function save() {
    try {
      window.localStorage.setItem(data.storage, JSON.stringify(state));
    } catch (e) {
      // Without storage the page still checks answers; it only forgets them on reload.
    }
  }

  const progress = document.querySelector(".progress");

  function showProgress() {
    let answered = 0;
    let right = 0;
    questions.forEach(function (q, label) {
      const a = state.answers[label];
      if (a && typeof a.value === "string" && a.value.trim() !== "") {
        answered++;
        if (judge(q, a.value).kind === "right") right++;
      }
    });
    progress.textContent = "Answered " + answered + " of " + questions.size + " · right " + right;
  }

  // ------------------------------------------------------------------ questions

  function showVerdict(form, verdict) {
    const out = form.querySelector(".verdict");
    out.textContent = verdict.kind === "mistake" ? verdict.message : messages[verdict.kind];
    out.className = "verdict " + (verdict.kind === "right" ? "right" : verdict.kind === "mistake" || verdict.kind === "wrong" ? "not-yet" : "note");
    form.querySelector("input").setAttribute("aria-invalid", verdict.kind === "right" ? "false" : "true");
  }

  function revealSteps(form, count) {
    const items = form.querySelectorAll(".steps li");
    const shown = Math.min(count, items.length);
    items.forEach(function (li, n) { li.hidden = n >= shown; });
    const done = shown >= items.length;
    const buttons = [form.querySelector(".next-step"), form.querySelector(".all-steps")];
    // A button that disables itself would drop the keyboard's place: it moves to the steps.
    if (done && buttons.indexOf(document.activeElement) >= 0) form.querySelector(".steps").focus();
    buttons.forEach(function (b) { b.disabled = done; });
    return shown;
  }

  function setUp(form) {
    const label = form.dataset.label;
    const q = questions.get(label);
    const input = form.querySelector("input");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const verdict = judge(q, input.value);
      showVerdict(form, verdict);
      if (verdict.kind === "empty" || verdict.kind === "invalid") {
        delete state.answers[label];
      } else {
        state.answers[label] = { value: input.value, right: verdict.kind === "right" };
      }
      save();
      showProgress();
    });
    form.querySelector(".next-step").addEventListener("click", function () {
      const before = form.querySelectorAll(".steps li:not([hidden])").length;
      state.steps[label] = revealSteps(form, before + 1);
      save();
    });
    form.querySelector(".all-steps").addEventListener("click", function () {
      state.steps[label] = revealSteps(form, Infinity);
      save();
    });
    const saved = state.answers[label];
    if (saved && typeof saved.value === "string") {
      input.value = saved.value;
      showVerdict(form, judge(q, saved.value));
    }
    revealSteps(form, Number(state.steps[label]) || 0);
  }

  // ------------------------------------------------------------------ one problem at a time

  // The first problem is in the page; each later one is taken out of its template when first shown.
  const main = document.querySelector("main");
  const count = data.problems.length;
  const sections = [document.querySelector("section.problem")];
  const prev = document.querySelector(".pager .prev");
  const next = document.querySelector(".pager .next");
  const where = document.querySelector(".pager .where");

  function section(n) {
    if (!sections[n]) {
      const template = main.querySelector('template.later[data-number="' + (n + 1) + '"]');
      const s = template.content.firstElementChild;
      main.insertBefore(document.importNode(template.content, true), template);
      sections[n] = main.querySelector("#" + s.id);
      template.remove();
      sections[n].querySelectorAll("form.question").forEach(setUp);
    }
    return sections[n];
  }

  sections[0].querySelectorAll("form.question").forEach(setUp);

  function showProblem(n, focus) {
    const current = Math.max(0, Math.min(count - 1, n));
    const shown = section(current);
    sections.forEach(function (s, i) { if (s) s.hidden = i !== current; });
    prev.disabled = current === 0;
    next.disabled = current === count - 1;
    where.textContent = "Problem " + (current + 1) + " of " + count;
    state.problem = current;
    if (focus) shown.querySelector("h2").focus();
    return current;
  }

  prev.addEventListener("click", function () { showProblem(state.problem - 1, true); save(); });
  next.addEventListener("click", function () { showProblem(state.problem + 1, true); save(); });
  showProblem(Number(state.problem) || 0, false);
  showProgress();
})();
