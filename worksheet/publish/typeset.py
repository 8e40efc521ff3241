"""An exam's PDFs: students typeset in groups on every core, each sheet and key cut out at its destination;
full solutions side by side."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Callable

from ..errors import RenderError

# Students per group at least: a TeX run spends about 0.2 s on the preamble before the first
# body, so small groups would spend more time loading than typesetting.
GROUP_MIN = 6
# Groups besides the first at most: enough for 8 cores, and every group's PDF brings its own
# copy of the fonts into sheets.pdf and keys.pdf (about 200 kB each).
GROUPS_MAX = 8


ENGINES = ("pdflatex", "lualatex")


def solution_pdfs(texs: list[str], stem: str) -> list[bytes]:
    """The full solutions' PDFs, compiled side by side on every core (each is a TeX run of its own)."""
    from .batch import available_cores
    from .pdf import compile_pdf, each

    return each(lambda nt: compile_pdf(nt[1], name=f"{stem}-{nt[0]}.tex"), enumerate(texs, start=1),
                available_cores())


def student_groups(n: int) -> list[range]:
    """Which students are typeset together, as ranges of roster positions: the first student
    alone, whose first pass tells every other group how many pages a sheet and a key take, then
    the rest in up to GROUPS_MAX groups of GROUP_MIN students or more. The grouping follows the
    number of students alone, never the cores, so that --jobs changes no byte of any PDF."""
    if n <= 1:
        return [range(n)] if n else []
    rest = n - 1
    k = max(1, min(GROUPS_MAX, rest // GROUP_MIN))
    bounds = [1 + rest * g // k for g in range(k + 1)]
    return [range(0, 1), *(range(a, b) for a, b in zip(bounds, bounds[1:]))]


class _PageCounts:
    """What the groups typeset so far say a sheet's and a key's last-page label is, so that the
    next group's single pdflatex pass can start from it (sheets of one exam nearly always have
    the same number of pages, and so do keys)."""

    def __init__(self):
        self.known = threading.Event()
        self._seen = {"sheet": Counter(), "key": Counter()}
        self._lock = threading.Lock()

    def learn(self, labels: dict[str, str]) -> None:
        with self._lock:
            for label, value in labels.items():
                kind = label.split("-", 1)[0]
                if kind in self._seen and label.endswith("-last"):
                    self._seen[kind][value] += 1
        self.known.set()

    def guess(self, tags: list[str]) -> tuple[dict[str, str] | None, int | None]:
        """Each tag's last-page label and the group's page count, or (None, None) before anything is known."""
        from .pdf import label_page

        with self._lock:
            common = {kind: seen.most_common(1)[0][0] for kind, seen in self._seen.items() if seen}
        if any(tag.split("-", 1)[0] not in common for tag in tags):
            return None, None
        labels = {f"{tag}-last": common[tag.split("-", 1)[0]] for tag in tags}
        pages = [label_page(v) for v in labels.values()]
        return labels, (sum(pages) if None not in pages else None)


def exam_pdfs(students, bodies: dict[str, tuple[str, str]], solutions: dict[str, list[str]], jobs: int,
              document: Callable[[list[str], str], str], advance: Callable[[int], None] | None = None,
              engines: dict[str, str] | None = None, pictures: dict[str, tuple[str, str]] | None = None
              ) -> dict[str, bytes]:
    """sheets/<id>.pdf, keys/<id>.pdf (with the full solutions appended), sheets.pdf and keys.pdf;
    each student's sheet and key typeset by their engine in `engines` (pdflatex when not given),
    in the LaTeX document that `document(bodies, engine)` makes of a group's bodies. Students of
    one engine are grouped as student_groups says, apart from the others. The names in
    `pictures` (id -> the name and who it is, for errors), which pdflatex's fonts cannot set, are
    typeset by lualatex first, all in one pass, and their bodies print them as pictures
    (publish.names.picture_tex): so a name in another script costs about one start of lualatex,
    run beside the first group's first pass, and no sheet waits for a lualatex page count."""
    from .. import stages
    from .names import PICTURES, name_pictures
    from .pdf import compile_pdf, compile_seeded, each
    from .pdfsplit import append_pdfs, booklet, booklet_of, extract, page_ranges

    step = advance or (lambda n: None)
    engines = engines or {}
    pictures = pictures or {}
    counts = _PageCounts()
    drawn = threading.Event()  # set when the names' pictures are typeset (or the run stops)
    made = {}  # the Pictures, once typeset
    groups: list[tuple[str, list]] = []  # engine, members
    for engine in ENGINES:
        same = [s for s in students if engines.get(s.id, "pdflatex") == engine]
        # A student whose name is a picture last: the first group's first pass need not wait for it.
        same.sort(key=lambda s: s.id in pictures)
        groups += [(engine, [same[i] for i in r]) for r in student_groups(len(same))]

    def typeset_names() -> None:
        try:
            made["pictures"] = name_pictures({k: name for k, (name, _) in pictures.items()},
                                             {k: who for k, (_, who) in pictures.items()})
        finally:
            drawn.set()

    def typeset_group(number: int):
        engine, members = groups[number]
        order = [(f"{part}-{s.id}", bodies[s.id][n]) for s in members for n, part in enumerate(("sheet", "key"))]
        tags = [tag for tag, _ in order]
        head, files = [], None
        try:
            # The first group's first pass tells every other group, of either engine (the pages
            # are the same), how many pages a sheet and a key take: one pass each after it.
            if number > 0:
                counts.known.wait()
            if any(s.id in pictures for s in members):
                drawn.wait()
                if "pictures" not in made:
                    raise RenderError("the names' pictures were not typeset")
                head = [made["pictures"].definitions([s.id for s in members])]
                files = {PICTURES: made["pictures"].pdf}
            labels, pages = counts.guess(tags)
            compiled = compile_seeded(document([*head, *(body for _, body in order)], engine),
                                      f"exam-{number + 1}.tex", labels, pages, first_pass=counts.learn,
                                      engine=engine, files=files)
        finally:
            # learn() has released the other groups after the first pass; if that pass failed,
            # they go on without a guess (and are stopped with it).
            counts.known.set()
        # Cut out here, on this thread, while other groups are still being typeset.
        reader, ranges = page_ranges(compiled.pdf, tags)
        cut = {tag: (reader, ranges[tag], extract(reader, ranges[tag])) for tag in tags}
        step(len(members))
        return cut

    def typeset_solution(job: tuple[str, int, str]):
        sid, n, tex = job
        return compile_pdf(tex, name=f"solution-{sid}-{n}.tex")

    def typeset(job):
        if job is None:  # the names' pictures
            return typeset_names()
        return typeset_group(job) if isinstance(job, int) else typeset_solution(job)

    def stop() -> None:
        counts.known.set()
        drawn.set()

    # The names' pictures first (the first group's first pass runs beside them, and no group
    # needs them before it ends), then the groups, the first student's at the head and
    # lualatex's first (the slowest to run) next; then the full solutions, each a document.
    lua = next((n for n, g in enumerate(groups) if g[0] == "lualatex"), 0)
    work: list = [*([None] if pictures else []), 0, *([lua] if lua else []),
                  *(n for n in range(1, len(groups)) if n != lua)]
    typeset_jobs = len(work)
    work += [(s.id, n, tex) for s in students for n, tex in enumerate(solutions.get(s.id) or (), start=1)]
    with stages.stage("typesetting"):
        results = each(typeset, work, jobs, on_stop=stop)
    parts: dict[str, tuple] = {}
    for r in results[:typeset_jobs]:
        parts.update(r or {})
    appended: dict[str, list[bytes]] = {}
    for (sid, _, _), pdf in zip(work[typeset_jobs:], results[typeset_jobs:]):
        appended.setdefault(sid, []).append(pdf)

    with stages.stage("pdf split"):
        files: dict[str, bytes] = {}
        keys = []
        for s in students:
            files[f"sheets/{s.id}.pdf"] = parts[f"sheet-{s.id}"][2]
            key = parts[f"key-{s.id}"][2]
            if s.id in appended:
                key = append_pdfs(key, appended[s.id])
            files[f"keys/{s.id}.pdf"] = key
            keys.append(key)
        files["sheets.pdf"] = booklet([parts[f"sheet-{s.id}"][:2] for s in students])
        files["keys.pdf"] = (booklet_of(keys) if appended else
                             booklet([parts[f"key-{s.id}"][:2] for s in students]))
    return files
