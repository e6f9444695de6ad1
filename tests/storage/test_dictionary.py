from __future__ import annotations

from pathlib import Path

import pytest

from workstation.app import open_services
from workstation.cli import main
from workstation.language.spelling import SpellChecker


def flagged(checker: SpellChecker, text: str) -> set[str]:
    return {m.word for m in checker.check(text)}


def test_added_word_is_accepted_and_survives_reopening(store_path: Path) -> None:
    services = open_services(store_path)
    checker = SpellChecker("vi", personal=services.dictionary)
    sentence = "Các tiktoker tham gia buổi giới thiệu."
    assert flagged(checker, sentence) == {"tiktoker"}
    services.dictionary.add("vi", "tiktoker")
    assert flagged(checker, sentence) == set()
    services.close()

    reopened = open_services(store_path)
    assert flagged(SpellChecker("vi", personal=reopened.dictionary), sentence) == set()
    assert reopened.dictionary.words("en") == set()
    reopened.close()


def test_cli_dictionary_add_changes_what_spellcheck_flags(
    capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path
) -> None:
    text = tmp_path / "t.txt"
    text.write_text("The embassy met two vloggers.\n", encoding="utf-8")
    store = ["--store", str(store_path)]
    assert main([*store, "spellcheck", "--lang", "en", str(text)]) == 0
    assert capsys.readouterr().out.startswith("1:21\tvloggers\t")
    assert main([*store, "dictionary", "add", "--lang", "en", "vloggers"]) == 0
    assert main([*store, "spellcheck", "--lang", "en", str(text)]) == 0
    assert capsys.readouterr().out == ""
    assert main([*store, "dictionary", "list", "--lang", "en"]) == 0
    assert capsys.readouterr().out == "vloggers\n"
