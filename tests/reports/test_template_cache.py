"""Compiled report templates are kept between runs, and a cache that cannot be used never stops a render."""

from __future__ import annotations

from jinja2 import DictLoader, Environment
from jinja2.bccache import FileSystemBytecodeCache

from reports import iter_reports, render_reports
from reports.templating import bytecode_cache
from tests.reports.fixtures import sample_doc


def _env(cache) -> Environment:
    return Environment(loader=DictLoader({"page.md.j2": "{% for x in xs %}- {{ x }}\n{% endfor %}"}),
                       bytecode_cache=cache)


def test_a_second_run_loads_the_compiled_template_instead_of_compiling(tmp_path, monkeypatch):
    monkeypatch.delenv("WA_SCAN_NO_TEMPLATE_CACHE", raising=False)
    cache = bytecode_cache(tmp_path)
    assert cache is not None
    _env(cache).get_template("page.md.j2")
    entries = list(tmp_path.glob("templates-*/*.cache"))
    assert entries, "nothing was cached"

    compiled: list[str] = []
    env = _env(bytecode_cache(tmp_path))
    real_compile = env.compile
    monkeypatch.setattr(env, "compile", lambda *a, **k: compiled.append(a[1]) or real_compile(*a, **k))
    assert env.get_template("page.md.j2").render(xs=["a"]) == "- a\n"
    assert compiled == []


def test_the_cache_directory_is_private(tmp_path, monkeypatch):
    monkeypatch.delenv("WA_SCAN_NO_TEMPLATE_CACHE", raising=False)
    bytecode_cache(tmp_path)
    (where,) = tmp_path.glob("templates-*")
    assert where.stat().st_mode & 0o777 == 0o700


def test_no_cache_where_the_directory_cannot_be_made(tmp_path, monkeypatch):
    monkeypatch.delenv("WA_SCAN_NO_TEMPLATE_CACHE", raising=False)
    (tmp_path / "file").write_text("in the way")
    assert bytecode_cache(tmp_path / "file") is None


def test_a_cache_file_that_cannot_be_written_does_not_fail_the_render(tmp_path, monkeypatch):
    monkeypatch.delenv("WA_SCAN_NO_TEMPLATE_CACHE", raising=False)
    cache = bytecode_cache(tmp_path)

    def disk_full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemBytecodeCache, "dump_bytecode", disk_full)
    template = _env(cache).get_template("page.md.j2")
    assert template.render(xs=[1, 2]) == "- 1\n- 2\n"
    assert not list(tmp_path.glob("templates-*/*.cache"))


def test_the_cache_can_be_switched_off(tmp_path, monkeypatch):
    monkeypatch.setenv("WA_SCAN_NO_TEMPLATE_CACHE", "1")
    assert bytecode_cache(tmp_path) is None
    assert not list(tmp_path.iterdir())


def test_reports_one_at_a_time_are_the_reports_all_at_once():
    doc = sample_doc()
    formats = ("html", "md", "csv")
    one_by_one = list(iter_reports(doc, formats))
    assert [name for name, _ in one_by_one] == ["report.html", "report.md", "findings.csv", "risk-register.csv"]
    assert dict(one_by_one) == render_reports(doc, formats)
    assert list(iter_reports(doc, ("json",))) == []
