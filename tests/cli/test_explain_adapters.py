"""wa-scan explain on an adapter and on an id it reports under."""

from __future__ import annotations

from scanner.cli import main


def test_an_emitted_id_names_its_adapter_and_its_links(capsys):
    assert main(["explain", "securityhub.control.S3.8"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("securityhub.control.S3.8: reported by securityhub.control_results")
    assert "SEC08-BP04" in out


def test_an_adapter_points_to_the_ids_it_reports_under(capsys):
    assert main(["explain", "trustedadvisor.check_results"]) == 0
    out = capsys.readouterr().out
    assert "An adapter: it reports under" in out and "wa-scan explain trustedadvisor.check." in out
