"""Scanner setup diagnosis: each kind of badly set-up scanner gets a plain-words finding and, where the
app can adapt, the settings to save."""

from __future__ import annotations

import pytest

from app.scanning.diagnose import (
    TEST_CODES,
    AppSettings,
    Capture,
    Severity,
    diagnose,
    settings_to_save,
)

CODES = {code.key: code for code in TEST_CODES}
GS = "\x1d"
APP = AppSettings(burst_gap_ms=40, scan_terminators="enter", gs_substitute="")


def fast(text: str, gap: float = 8.0) -> tuple[float, ...]:
    return tuple(i * gap for i in range(len(text)))


def run(key: str, text: str, terminator: str | None = "enter", gap: float = 8.0, app: AppSettings = APP):
    return diagnose(CODES[key], Capture(text, fast(text, gap), terminator), app)


def severities(findings) -> set[Severity]:
    return {f.severity for f in findings}


def test_a_well_set_up_scanner_has_no_problems():
    for code in TEST_CODES:
        findings = run(code.key, code.aim + code.data)
        assert Severity.PROBLEM not in severities(findings), findings
    gs1 = run("gs1", "]C1" + CODES["gs1"].data)
    assert settings_to_save(gs1) == {"gs_substitute": ""}
    assert any("AIM" in f.says for f in gs1)


def test_no_terminator():
    findings = run("ean13", "4006381333931", terminator=None)
    assert any(f.severity is Severity.PROBLEM and "does not end a scan with Enter" in f.says for f in findings)


def test_tab_terminator_is_accepted_by_the_app():
    findings = run("ean13", "4006381333931", terminator="tab")
    assert settings_to_save(findings) == {"scan_terminators": "enter,tab"}


def test_azerty_layout_mismatch_is_named():
    # A US-layout scanner on a French AZERTY host: Ab12-xyZ9 arrives as Qb&é)xyWç.
    findings = run("code128", "Qb&é)xyWç")
    problem = [f for f in findings if f.severity is Severity.PROBLEM]
    assert problem and "AZERTY" in problem[0].says and "keyboard country" in problem[0].says


def test_gs_dropped_is_a_scanner_problem():
    findings = run("gs1", "]C1" + CODES["gs1"].data.replace(GS, ""))
    assert any(f.severity is Severity.PROBLEM and "drops the GS1 separator" in f.says for f in findings)


@pytest.mark.parametrize("substitute", ["~", "|", "<GS>"])
def test_gs_substitute_is_learned(substitute):
    findings = run("gs1", CODES["gs1"].data.replace(GS, substitute))
    assert settings_to_save(findings)["gs_substitute"] == substitute
    assert any(f.severity is Severity.ADVICE and "AIM" in f.says for f in findings)  # AIM off


def test_prefix_and_suffix_are_learned():
    findings = run("ean13", "\x02" + "4006381333931" + "#")
    assert settings_to_save(findings) == {"scan_prefix": "\x02", "scan_suffix": "#"}


def test_slow_keys_raise_the_burst_gap_or_ask_for_a_faster_scanner():
    findings = run("ean13", "4006381333931", gap=45.0)
    assert settings_to_save(findings) == {"burst_gap_ms": 70}
    findings = run("ean13", "4006381333931", gap=90.0)
    assert any(f.severity is Severity.PROBLEM and "inter-character delay" in f.says for f in findings)


def test_wrong_barcode_and_nothing():
    assert "not the 'EAN-13' barcode" in run("ean13", "CMD-NEXT")[-1].says
    assert run("ean13", "")[0].severity is Severity.PROBLEM


def test_serial_capture_has_no_timing_findings():
    findings = diagnose(CODES["ean13"], Capture("]E04006381333931", (), "serial"), APP)
    assert severities(findings) <= {Severity.OK}
