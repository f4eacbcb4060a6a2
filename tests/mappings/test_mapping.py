"""The mapping files: the shipped mapping is sound and complete; bad links are clear errors."""

from __future__ import annotations

import json

import pytest

from mappings.catalog import load_lens
from mappings.errors import MappingError
from mappings.mapping import load_mapping
from scanner.registry import discover, known_check_ids
from tests.mappings.conftest import DATA, FAKE_CHECKS, write_mapping


def test_shipped_mapping_has_no_dangling_ids():
    """Every link of every file in mappings/data/wellarchitected names a real check, question and choice."""
    mapping = load_mapping(check_ids=known_check_ids(discover(plugins=False)))
    lens = load_lens()
    assert "wellarchitected/core.toml" in mapping.files
    for link in mapping.links:
        question = lens.question(link.question)
        assert question is not None and question.choice(link.choice) is not None, link.where
        assert link.rationale, f"{link.where}: a link says why the check tells about the choice"


def test_every_built_in_check_maps_to_at_least_one_choice():
    """A check nobody links to a choice never reaches a WA answer: add a [[link]] for it."""
    checks = discover(plugins=False)
    linked = set(load_mapping(check_ids=known_check_ids(checks)).check_ids())
    # an adapter is linked through the ids it emits (securityhub.control.S3.8, ...)
    unlinked = sorted(c for c, reg in checks.items() if c not in linked and not linked & set(reg.meta.emits))
    assert not unlinked, f"checks without a link in mappings/data/wellarchitected/*.toml: {', '.join(unlinked)}"


def test_default_mapping_is_loaded_once():
    ids = known_check_ids(discover(plugins=False))
    assert load_mapping(check_ids=ids) is load_mapping(check_ids=ids)


def _load(tmp_path, text: str, name: str = "m.toml", lens=None):
    path = tmp_path / name
    path.write_text(text)
    return path, lambda: load_mapping(path, lens=lens or load_lens(), check_ids=FAKE_CHECKS)


GOOD = ('[[link]]\ncheck = "fake.alpha"\nquestion = "identities"\nchoice = "sec_identities_audit"\n'
        'strength = "indicative"\non_pass = "supports"\non_fail = "contradicts"\nrationale = "ok"\n\n')

_T = 'strength = "direct"\non_pass = "supports"\non_fail = "contradicts"\nrationale = "n"'
_E = 'check = "fake.beta"\nquestion = "identities"\nchoice = "sec_identities_audit"\n'


@pytest.mark.parametrize("entry,message", [
    ('check = "fake.nope"\nquestion = "identities"\nchoice = "sec_identities_audit"',
     "unknown check id 'fake.nope'"),
    ('check = "fake.alpa"\nquestion = "identities"\nchoice = "sec_identities_audit"',
     "unknown check id 'fake.alpa' (did you mean 'fake.alpha'?)"),
    ('check = "fake.beta"\nquestion = "identitys"\nchoice = "sec_identities_audit"',
     "unknown question id 'identitys' (did you mean 'identities'?)"),
    ('check = "fake.beta"\nquestion = "identities"\nchoice = "sec_identities_audt"',
     "unknown choice id 'sec_identities_audt' (did you mean 'sec_identities_audit'?)"),
    ('check = "fake.beta"\nquestion = "permissions"\nchoice = "sec_identities_audit"',
     "choice 'sec_identities_audit' belongs to question 'identities', not 'permissions'"),
    ('check = "fake.beta"\nquestion = "identities"\nchoice = "sec_identities_no"',
     "is the 'None of these' choice"),
])
def test_dangling_ids_name_the_file_entry_and_line(tmp_path, entry, message):
    path, load = _load(tmp_path, GOOD + f'[[link]]\n{entry}\n{_T}\n')
    with pytest.raises(MappingError) as err:
        load()
    text = str(err.value)
    assert text.startswith(f"mapping {path}: link #2 (line 10, check ")
    assert message in text


@pytest.mark.parametrize("entry,message", [
    (_E + 'strength = "strong"\non_pass = "supports"\non_fail = "contradicts"\nrationale = "r"',
     "strength 'strong' must be 'direct' or 'indicative'"),
    (_E + 'strength = "direct"\non_pass = "yes"\non_fail = "contradicts"\nrationale = "r"',
     "on_pass 'yes' must be 'supports' or 'silent'"),
    (_E + 'strength = "direct"\non_pass = "supports"\non_fail = "supports"\nrationale = "r"',
     "on_fail 'supports' must be 'contradicts' or 'silent'"),
    (_E + 'strength = "direct"\non_pass = "silent"\non_fail = "silent"\nrationale = "r"',
     "on_pass and on_fail are both 'silent'"),
    (_E + 'strength = "direct"\non_pass = "supports"\non_fail = "contradicts"\nrationale = ""',
     "'rationale' must be a non-empty string"),
    (_E + 'on_pass = "supports"\non_fail = "contradicts"\nrationale = "r"', "missing key 'strength'"),
    (_E + 'strength = "direct"\non_pass = "supports"\non_fail = "contradicts"\nrationale = "r"\nnote = "x"',
     "unknown key 'note'"),
    ('check = 3\nquestion = "identities"\nchoice = "sec_identities_audit"\n' + _T,
     "'check' must be a non-empty string"),
    ('check = "fake.alpha"\nquestion = "identities"\nchoice = "sec_identities_audit"\n' + _T,
     "duplicate of m.toml: link #1 (line 1)"),
])
def test_bad_entries_are_usage_errors(tmp_path, entry, message):
    _, load = _load(tmp_path, GOOD + f"[[link]]\n{entry}\n")
    with pytest.raises(MappingError) as err:
        load()
    assert "link #2 (line 10, check " in str(err.value)
    assert message.replace("m.toml", str(tmp_path / "m.toml")) in str(err.value)


def test_all_problems_are_counted_in_one_line(tmp_path):
    bad = GOOD.replace("fake.alpha", "fake.zzz")
    _, load = _load(tmp_path, bad + bad.replace("identities_audit", "identities_unique"))
    with pytest.raises(MappingError, match=r"link #1 .* \(and 1 more problems\)$"):
        load()


@pytest.mark.parametrize("text,message", [
    ("[[link]\ncheck = 1", "not valid TOML"),
    ("[[links]]\ncheck = 'x'", "unknown top-level key 'links'"),
    ("# only a comment\n", "holds no [[link]] entries"),
    ("link = 3", "'link' must be a list"),
])
def test_bad_files(tmp_path, text, message):
    _, load = _load(tmp_path, text)
    with pytest.raises(MappingError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load()


def test_json_files_and_directories_load(tmp_path):
    entry = {"check": "fake.beta", "question": "identities", "choice": "sec_identities_unique",
             "strength": "direct", "on_pass": "supports", "on_fail": "contradicts", "rationale": "json"}
    (tmp_path / "b.json").write_text(json.dumps([entry]))
    (tmp_path / "a.toml").write_text(GOOD)
    (tmp_path / "ignored.txt").write_text("not a mapping")
    mapping = load_mapping(tmp_path, check_ids=FAKE_CHECKS)
    assert [(link.check, link.file.rsplit("/", 1)[-1], link.line) for link in mapping.links] == [
        ("fake.alpha", "a.toml", 1), ("fake.beta", "b.json", None)]
    (tmp_path / "c.json").write_text(json.dumps({"link": [{**entry, "check": "fake.gone"}]}))
    with pytest.raises(MappingError, match=r"c.json: link #1 \(check 'fake.gone'"):
        load_mapping(tmp_path, check_ids=FAKE_CHECKS)


def test_missing_paths_and_empty_directories(tmp_path):
    with pytest.raises(MappingError, match="no such file or directory"):
        load_mapping(tmp_path / "nope.toml", check_ids=FAKE_CHECKS)
    (tmp_path / "empty").mkdir()
    with pytest.raises(MappingError, match="holds no .toml or .json"):
        load_mapping(tmp_path / "empty", check_ids=FAKE_CHECKS)
    (tmp_path / "m.yaml").write_text("x: 1")
    with pytest.raises(MappingError, match="expected a .toml or .json"):
        load_mapping(tmp_path / "m.yaml", check_ids=FAKE_CHECKS)


def test_a_custom_lens_needs_its_own_mapping(tmp_path):
    lens = load_lens(DATA / "acme-lens.json")
    with pytest.raises(MappingError, match="is a custom lens: pass --mapping"):
        load_mapping(lens=lens)
    mapping = load_mapping(DATA / "acme-mapping.toml", lens=lens)
    assert len(mapping.links) == 5
    with pytest.raises(MappingError, match="unknown question id 'identities'"):
        load_mapping(write_mapping(tmp_path / "wa.toml", [("fake.alpha", "identities", "sec_identities_audit",
                                                           "part")]), lens=lens, check_ids=FAKE_CHECKS)
