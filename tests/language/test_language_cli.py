"""The headless commands: segment, spellcheck, count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.language.test_legacy_encodings import TCVN3_BYTES
from workstation.cli import main


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "bai.txt"
    path.write_text("Đoàn đến TP. Hải Phòng. Công tác nghành\nngoại giao quyêt định.\n", encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_segment_prints_one_sentence_per_line(capsys: pytest.CaptureFixture[str], article: Path) -> None:
    code, out, _ = run(capsys, "segment", "--lang", "vi", str(article))
    assert code == 0
    assert out.splitlines() == ["Đoàn đến TP. Hải Phòng.", "Công tác nghành", "ngoại giao quyêt định."]


def test_segment_reads_legacy_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "cu.txt"
    path.write_bytes(TCVN3_BYTES)
    code, out, _ = run(capsys, "segment", "--lang", "vi", str(path))
    assert code == 0 and out.splitlines()[0] == "Hà Nội là thủ đô của Việt Nam."


def test_spellcheck_lists_line_column_word_and_suggestions(capsys: pytest.CaptureFixture[str], article: Path) -> None:
    code, out, _ = run(capsys, "spellcheck", "--lang", "vi", str(article))
    assert code == 0  # flagged words are not a failure
    lines = out.splitlines()
    assert [line.split("\t")[:2] for line in lines] == [["1:34", "nghành"], ["2:12", "quyêt"]]
    assert lines[0].split("\t")[2].startswith("ngành, ")


def test_spellcheck_json(capsys: pytest.CaptureFixture[str], article: Path) -> None:
    code, out, _ = run(capsys, "spellcheck", "--lang", "vi", str(article), "--json")
    payload = json.loads(out)
    assert code == 0 and payload["lang"] == "vi"
    first = payload["flagged"][0]
    assert first["word"] == "nghành" and first["line"] == 1 and first["column"] == 34
    assert first["suggestions"][0] == "ngành" and first["end"] - first["start"] == 6


def test_spellcheck_clean_file_prints_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "ok.txt"
    path.write_text("The U.S. embassy opened.", encoding="utf-8")
    assert run(capsys, "spellcheck", "--lang", "en", str(path)) == (0, "", "")


def test_spellcheck_refuses_cjk_as_a_usage_error(capsys: pytest.CaptureFixture[str], article: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["spellcheck", "--lang", "zh", str(article)])
    assert exit_info.value.code == 2


def test_count_text_and_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "zh.txt"
    path.write_text("我们在河内。APEC 2023", encoding="utf-8")
    code, out, _ = run(capsys, "count", "--lang", "zh", str(path))
    assert code == 0 and out.splitlines()[-1] == "length\t7 characters"
    code, out, _ = run(capsys, "count", "--lang", "zh", str(path), "--json")
    assert json.loads(out) == {
        "lang": "zh",
        "words": 2,
        "characters": 14,
        "characters_with_spaces": 15,
        "cjk_characters": 5,
        "unit": "characters",
        "length": 7,
    }


def test_missing_file_is_exit_1_with_one_line_on_stderr(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "count", "--lang", "vi", str(tmp_path / "nope.txt"))
    assert code == 1 and out == "" and err.startswith("workstation: ") and err.count("\n") == 1
