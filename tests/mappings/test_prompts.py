"""The "ask the team" prompts: the default file covers the lens, and a bad file is an error naming the entry."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mappings.catalog import load_lens, parse_lens
from mappings.errors import MappingError
from mappings.graph import build_graph, checks_for_choice, checks_for_question
from mappings.mapping import load_mapping
from mappings.prompts import load_prompts, parse_prompts, prompts_path
from tests.mappings.conftest import DATA, TINY


def _entry(cid: str, human_only: bool = True, **extra: object) -> str:
    lines = [f"[choice.{cid}]", f"human_only = {'true' if human_only else 'false'}"]
    if human_only:
        lines.append(f'why = "nothing in the account shows {cid}"')
    lines += [f'ask = ["Who does {cid}?"]', f'artefact = "the {cid} record"']
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    return "\n".join(lines) + "\n\n"


def _tiny_text(skip: str = "", **overrides: str) -> str:
    return "".join(overrides.get(c, _entry(c)) for c in "abcdef" if c != skip)


def test_the_default_lens_has_a_prompt_for_every_choice():
    lens = load_lens()
    prompts = load_prompts(lens)
    choices = [c.id for q in lens.questions() for c in q.choices]
    assert len(choices) == 307 and set(prompts) == set(choices)
    for p in prompts.values():
        assert 1 <= len(p.ask) <= 2 and all(a[-1] in "?." for a in p.ask), p.choice
        assert p.artefact and (p.why or not p.human_only), p.choice
    human = {p.choice for p in prompts.values() if p.human_only}
    assert len(human) == 111  # the count mappings/data/README.md gives
    # People and process practices are human only; practices an API can see are not.
    assert {"ops_org_culture_executive_sponsor", "sec_incident_response_run_game_days",
            "sec_securely_operate_threat_model"} <= human
    assert not {"sec_identities_enforce_mechanisms", "rel_backing_up_data_automated_backups_data",
                "sec_protect_data_rest_encrypt"} & human


def test_no_human_only_practice_is_observed_directly_by_a_check():
    # A direct link means a check observes the practice itself, so some API evidences it after all.
    lens = load_lens()
    prompts = load_prompts(lens)
    g = build_graph(lens, load_mapping())
    direct = [(c.id, link["check"]) for q in lens.questions() for c in q.choices
              for link in checks_for_choice(g, q.id, c.id) if link["strength"] == "direct" and prompts[c.id].human_only]
    assert direct == []


def test_prompts_parse_for_a_small_lens(tiny):
    prompts = parse_prompts(_tiny_text(b=_entry("b", human_only=False)), "tiny-prompts.toml", tiny)
    assert set(prompts) == set("abcdef")
    assert prompts["a"].human_only and prompts["a"].why == "nothing in the account shows a"
    assert prompts["a"].ask == ("Who does a?",) and prompts["a"].artefact == "the a record"
    assert not prompts["b"].human_only and prompts["b"].why == ""


@pytest.mark.parametrize("text,message", [
    (_tiny_text(skip="e"), r"no entry for 1 choice\(s\) of lens tiny: e"),
    (_tiny_text() + _entry("zz"), r"\[choice.zz\]: no such choice in lens tiny"),
    (_tiny_text() + _entry("q1_no"), r"\[choice.q1_no\]: no such choice .*None of these"),
    (_tiny_text(c='[choice.c]\nhuman_only = true\nwhy = "x"\nask = ["Q?"]\n'),
     r"\[choice.c\]: missing key\(s\) artefact"),
    (_tiny_text(c=_entry("c", owner="me")), r"\[choice.c\]: unknown key\(s\) owner"),
    (_tiny_text(d='[choice.d]\nhuman_only = true\nask = ["Q?"]\nartefact = "x"\n'),
     r"\[choice.d\]: human_only = true needs a 'why'"),
    (_tiny_text(d='[choice.d]\nhuman_only = "yes"\nwhy = "x"\nask = ["Q?"]\nartefact = "x"\n'),
     r"\[choice.d\]: human_only must be true or false"),
    (_tiny_text(f='[choice.f]\nhuman_only = false\nask = ["1?", "2?", "3?"]\nartefact = "x"\n'),
     r"\[choice.f\]: ask must be a list of one or two"),
    (_tiny_text(f='[choice.f]\nhuman_only = false\nask = "one?"\nartefact = "x"\n'),
     r"\[choice.f\]: ask must be a list"),
    (_tiny_text(f='[choice.f]\nhuman_only = false\nask = ["Q?"]\nartefact = " "\n'), r"\[choice.f\]: artefact must be"),
    ("[choice.a\n", r"not valid TOML"),
    ('[[prompt]]\nchoice = "a"\n', r"unknown top-level key\(s\) prompt"),
])
def test_a_bad_prompts_file_is_an_error_naming_the_entry(tiny, text, message):
    with pytest.raises(MappingError, match=r"prompts tiny-prompts.toml: " + message):
        parse_prompts(text, "tiny-prompts.toml", tiny)


def test_a_custom_lens_finds_its_prompts_beside_it_or_has_none(tmp_path: Path):
    shutil.copy(DATA / "acme-lens.json", tmp_path / "acme-lens.json")
    lens = load_lens(tmp_path / "acme-lens.json")
    assert prompts_path(lens) == tmp_path / "acme-prompts.toml"
    assert load_prompts(lens) == {}  # no prompts file: no prompts, no error
    choices = list(dict.fromkeys(c.id for q in lens.questions() for c in q.choices))
    (tmp_path / "acme-prompts.toml").write_text("".join(_entry(c) for c in choices))
    prompts = load_prompts(lens)
    assert set(prompts) == set(choices)
    (tmp_path / "acme-prompts.toml").write_text("".join(_entry(c) for c in choices[1:]))
    with pytest.raises(MappingError, match=rf"acme-prompts.toml: no entry for 1 choice\(s\) .*{choices[0]}"):
        load_prompts(lens)


def test_a_lens_file_in_the_catalogue_format_uses_its_own_prompts_file(tmp_path: Path):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(TINY))
    lens = load_lens(path)
    assert prompts_path(lens) == tmp_path / "tiny-prompts.toml"
    (tmp_path / "tiny-prompts.toml").write_text(_tiny_text())
    assert set(load_prompts(lens)) == set("abcdef")
    assert parse_lens(TINY, "").source == "" and load_prompts(parse_lens(TINY, "")) == {}


def test_the_demo_scan_asks_the_team_about_every_choice_without_evidence(demo_scan):
    doc, _ = demo_scan
    lens = load_lens()
    assert [s["question"] for s in doc["suggestions"]] == [q.id for q in lens.questions()]
    prompts = load_prompts(lens)
    without_evidence = [c for s in doc["suggestions"] for c in s["choices"] if c["suggestion"] != "supported"]
    assert without_evidence
    for c in without_evidence:
        p = prompts[c["choice"]]
        assert c["human_only"] is p.human_only
        assert c["ask"] == {"questions": list(p.ask), "artefact": p.artefact, "why": p.why}
    g = build_graph(lens, load_mapping())
    unmapped = [s for s in doc["suggestions"] if not checks_for_question(g, s["question"])]
    assert unmapped  # the questions only the team can answer are listed too
    for s in unmapped:
        assert s["risk"] == "UNKNOWN" and all(c["ask"]["questions"] for c in s["choices"])
