"""Test settings: Hypothesis replays a fixed, reproducible set of examples (set
HYPOTHESIS_PROFILE=random to explore new ones), and a test that runs TeX in this process must be
marked `tex`, so that `python -m pytest -m "not slow"` stays a quick check (pyproject.toml
registers the markers; TeX tests are marked slow as well)."""

import os

import pytest
from hypothesis import settings

settings.register_profile("fixed", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("random", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))


@pytest.fixture(autouse=True)
def _tex_only_where_marked(request, monkeypatch):
    if request.node.get_closest_marker("tex") is not None:
        return
    from worksheet.publish import pdf

    def refuse(command, *args, **kwargs):
        raise AssertionError(f"{request.node.nodeid} runs {command[0]}: mark it @pytest.mark.tex (and slow)")

    monkeypatch.setattr(pdf, "_run", refuse)


@pytest.fixture(autouse=True, scope="session")
def _own_temporary_folder(tmp_path_factory):
    """Every temporary file of the run, the tests' worksheet processes included, goes to a folder of
    this run's own: what another run left in the system's (a TeX folder of a killed process, which
    worksheet removes and mentions on stderr) cannot reach a test that expects a quiet stderr."""
    import tempfile

    folder = tmp_path_factory.mktemp("tmp")
    old_env, old_dir = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = str(folder)
    yield
    tempfile.tempdir = old_dir
    if old_env is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = old_env
